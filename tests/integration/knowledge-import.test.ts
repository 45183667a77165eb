import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoEmail, ERMONT, loadDemoNetworks, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import { signedInClients } from "../support/http-client.ts";
import { wordDocument, zipBomb, zipOf } from "../support/office-files.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/** Importing Word, Markdown and HTML into the watch wiki, alone or zipped, and refusing hostile files. */

let app: TestApp;
let valParisis: DemoNetwork;

beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis } = await loadDemoNetworks(app.database.db));
});
afterAll(async () => {
  await app?.close();
});

const as = signedInClients(() => app.url);
const STAFF = () => demoEmail("val-parisis", "staff", ERMONT);
const OUTSIDER = () => demoEmail("pays-haut", "coordinator");
const importPath = () => `/reseaux/${valParisis.slug}/veille/importer`;

async function send(email: string, fileName: string, bytes: Uint8Array, path = importPath()) {
  const form = new FormData();
  form.set("file", new File([bytes as Uint8Array<ArrayBuffer>], fileName));
  return (await as(email)).request(path, { method: "POST", body: form });
}

async function pageCount(): Promise<number> {
  const row = await app.database.db
    .selectFrom("documents")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("networkId", "=", valParisis.id)
    .where("kind", "=", "wiki")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function pageHtml(title: string): Promise<string> {
  const row = await app.database.db
    .selectFrom("documents")
    .innerJoin("documentSnapshots", "documentSnapshots.documentId", "documents.id")
    .select("documentSnapshots.contentHtml")
    .where("documents.title", "=", title)
    .where("documents.networkId", "=", valParisis.id)
    .executeTakeFirstOrThrow();
  return row.contentHtml;
}

describe("import into the watch wiki", () => {
  it("imports a real Word document, titled by its first heading", async () => {
    const docx = await wordDocument("Domiciliation des personnes sans domicile stable", ["Le CCAS est tenu de domicilier les personnes ayant un lien avec la commune."]);
    const response = await send(STAFF(), "domiciliation.docx", docx);
    const text = visibleText(response.text);
    expect(text).toContain("1 document importé, 0 refusé");
    expect(await pageHtml("Domiciliation des personnes sans domicile stable")).toContain("tenu de domicilier");
  });

  it("imports a zip whose folders become sections, and reports each refused file with its reason", async () => {
    const zip = zipOf({
      "Santé mentale/SDRE.docx": await wordDocument("SDRE : rôle du maire", ["Mesures provisoires en cas de danger imminent."]),
      "Santé mentale/Psychiatrie/soins.md": "# Soins sans consentement\n\nLe **préfet** prend l'arrêté.",
      "Insertion/rsa.html": "<html><head><title>RSA et France Travail</title></head><body><p>Inscription automatique.</p><script>alert(1)</script></body></html>",
      "Insertion/faux.docx": "ceci n'est pas un document Word",
      "outil.exe": new Uint8Array([0x4d, 0x5a, 0x90, 0]),
      "__MACOSX/._SDRE.docx": "métadonnées",
    });
    const before = await pageCount();
    const response = await send(STAFF(), "veille.zip", zip);
    const text = visibleText(response.text);
    expect(text).toContain("3 documents importés, 2 refusés");
    expect(text).toContain("n'est pas un document Word valide.");
    expect(text).toContain("Format non pris en charge");
    expect(await pageCount()).toBe(before + 3);
    expect(await pageHtml("RSA et France Travail")).not.toContain("alert");
    const sections = await app.database.db.selectFrom("wikiSections").select(["title", "parentId", "id"]).where("networkId", "=", valParisis.id).execute();
    const mental = sections.find((section) => section.title === "Santé mentale")!;
    expect(sections.find((section) => section.title === "Psychiatrie")?.parentId).toBe(mental.id);
    const sdre = await app.database.db.selectFrom("documents").select("sectionId").where("title", "=", "SDRE : rôle du maire").executeTakeFirstOrThrow();
    expect(sdre.sectionId).toBe(mental.id);
  });

  it("streams real progress, one line per file, then the report", async () => {
    const zip = zipOf({ "a.md": "# Page A du flux\n\ntexte", "b.md": "# Page B du flux\n\ntexte" });
    const response = await send(STAFF(), "flux.zip", zip, `${importPath()}/progression`);
    const lines = response.text.trim().split("\n").map((line) => JSON.parse(line));
    expect(lines.slice(0, 2).map((line) => line.progress)).toEqual([
      { done: 1, total: 2, path: "a.md" },
      { done: 2, total: 2, path: "b.md" },
    ]);
    expect(lines[2].outcome.report.imported.map((page: { title: string }) => page.title)).toEqual(["Page A du flux", "Page B du flux"]);
  });

  it("refuses hostile archives as a whole, in French, importing nothing", async () => {
    const before = await pageCount();
    const traversal = zipOf({ "ok.md": "# Page correcte\n\ntexte", "../../etc/passwd.md": "# Évasion\n\ntexte" });
    expect(visibleText((await send(STAFF(), "chemins.zip", traversal)).text)).toContain("L'archive contient un chemin dangereux");
    expect(visibleText((await send(STAFF(), "bombe.zip", zipBomb(60))).text)).toContain("trop volumineuse une fois décompressée");
    const many: Record<string, string> = {};
    for (let index = 0; index < 501; index += 1) many[`n${index}.md`] = `# Note ${index}\n`;
    expect(visibleText((await send(STAFF(), "nombreux.zip", zipOf(many))).text)).toContain("plus de 500 fichiers");
    expect(visibleText((await send(STAFF(), "faux.zip", new TextEncoder().encode("pas une archive"))).text)).toContain("n'est pas une archive zip valide");
    expect(visibleText((await send(STAFF(), "faux.docx", new TextEncoder().encode("pas un document"))).text)).toContain("n'est pas un document Word valide");
    expect(visibleText((await send(STAFF(), "enorme.zip", new Uint8Array(50 * 1024 * 1024))).text)).toContain("Le fichier dépasse 20 Mo");
    expect(await pageCount()).toBe(before);
  });

  it("is closed to another network", async () => {
    const response = await send(OUTSIDER(), "page.md", new TextEncoder().encode("# Intrusion\n"));
    expect(response.status).toBe(404);
    expect((await send(OUTSIDER(), "page.md", new TextEncoder().encode("# Intrusion\n"), `${importPath()}/progression`)).status).toBe(404);
  });
});
