import { existsSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeHtml, demoEmail, ERMONT, fieldError, FRANCONVILLE, inputValue, loadDemoNetworks, orgId, TAVERNY, THIL, VILLERUPT, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import { signedInClients, type HttpResponse } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * What issue 6 still lacked for a real user: files on offers and documents on conventions (one attachment
 * module for every owner), editing a purchase project and a convention after creation, and the
 * per-inhabitant rate key. Through HTTP on the real app and database, with who may and who may not.
 */

let app: TestApp;
let valParisis: DemoNetwork;
let paysHaut: DemoNetwork;
let purchaseId: string;
let offerIds: string[];

beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis, paysHaut } = await loadDemoNetworks(app.database.db));
  purchaseId = (await app.database.db.selectFrom("groupPurchases").select("id").where("networkId", "=", valParisis.id).executeTakeFirstOrThrow()).id;
  offerIds = (await app.database.db.selectFrom("purchaseOffers").select("id").where("purchaseId", "=", purchaseId).orderBy("createdAt").execute()).map((offer) => offer.id);
});
afterAll(async () => {
  await app?.close();
});

const as = signedInClients(() => app.url);
const COORDINATOR = () => demoEmail("val-parisis", "coordinator");
const ERMONT_DIRECTOR = () => demoEmail("val-parisis", "director", ERMONT);
const ERMONT_STAFF = () => demoEmail("val-parisis", "staff", ERMONT);
const FRANCONVILLE_DIRECTOR = () => demoEmail("val-parisis", "director", FRANCONVILLE);
const FRANCONVILLE_STAFF = () => demoEmail("val-parisis", "staff", FRANCONVILLE);
const TAVERNY_DIRECTOR = () => demoEmail("val-parisis", "director", TAVERNY);
const PAYS_HAUT_COORDINATOR = () => demoEmail("pays-haut", "coordinator");
const THIL_DIRECTOR = () => demoEmail("pays-haut", "director", THIL);

const base = () => `/reseaux/${valParisis.slug}`;
const purchasePath = () => `${base()}/achats/${purchaseId}`;
const download = (slug: string, id: string) => `/reseaux/${slug}/pieces-jointes/${id}`;

const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
function renamedExecutable(): Uint8Array {
  const exe = new Uint8Array(4096);
  exe.set([0x4d, 0x5a, 0x90, 0x00]);
  exe.set(new TextEncoder().encode("PE\0\0"), 128);
  exe[0x3c] = 128;
  return exe;
}

async function post(email: string, target: string, fields: Record<string, string>): Promise<HttpResponse> {
  return (await as(email)).post(target, fields);
}
async function get(email: string, target: string): Promise<HttpResponse> {
  return (await as(email)).get(target);
}
async function upload(email: string, target: string, fileName: string, bytes: Uint8Array, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set("file", new File([bytes as Uint8Array<ArrayBuffer>], fileName, { type: "application/pdf" }));
  return (await as(email)).request(target, { method: "POST", body: form });
}
/** The message next to the file field of one owner (an offer, a convention). */
function fileError(html: string, ownerId: string): string {
  const match = html.match(new RegExp(`<p class="field-error" id="pj-${ownerId}-file-error"( hidden="")?>([\\s\\S]*?)</p>`));
  if (!match) throw new Error(`Pas de champ de fichier pour ${ownerId}`);
  return match[1] ? "" : decodeHtml(match[2]!);
}
/** The message next to a field of a given form (two forms of a page may share a field name). */
function formFieldError(html: string, formId: string, name: string): string {
  const match = html.match(new RegExp(`<p class="field-error" id="${formId}-${name.replace(/[[\].]/g, "\\$&")}-error"( hidden="")?>([\\s\\S]*?)</p>`));
  if (!match) throw new Error(`Pas d'emplacement d'erreur ${formId}/${name}`);
  return match[1] ? "" : decodeHtml(match[2]!);
}
const filesOf = (column: "purchaseOfferId" | "conventionId", id: string) =>
  app.database.db.selectFrom("attachments").select(["id", "fileName", "contentType", "storageKey"]).where(column, "=", id).orderBy("createdAt").execute();

describe("files of an offer", () => {
  it("lets the coordinating CCAS's director and the coordinators attach a file that every member downloads, and nobody outside", async () => {
    const offerId = offerIds[0]!;
    const sent = await upload(ERMONT_DIRECTOR(), purchasePath(), "devis Compas 2027.pdf", pdf, { offerId });
    expect(sent.status).toBe(200);
    expect(visibleText(sent.text)).toContain("Pièce jointe « devis Compas 2027.pdf » ajoutée.");
    expect((await upload(COORDINATOR(), purchasePath(), "mémoire technique.pdf", pdf, { offerId })).status).toBe(200);
    const files = await filesOf("purchaseOfferId", offerId);
    expect(files.map((file) => [file.fileName, file.contentType])).toEqual([
      ["devis Compas 2027.pdf", "application/pdf"],
      ["mémoire technique.pdf", "application/pdf"],
    ]);

    // Every member sees and downloads them; the download is an attachment, never inline.
    expect(visibleText((await get(FRANCONVILLE_STAFF(), purchasePath())).text)).toContain("devis Compas 2027.pdf");
    const file = await get(FRANCONVILLE_STAFF(), download(valParisis.slug, files[0]!.id));
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toContain("filename*=UTF-8''devis%20Compas%202027.pdf");
    expect(file.text.startsWith("%PDF-1.4")).toBe(true);
    // Another network's member: the same 404 under either network's address.
    expect((await get(THIL_DIRECTOR(), download(valParisis.slug, files[0]!.id))).status).toBe(404);
    expect((await get(THIL_DIRECTOR(), download(paysHaut.slug, files[0]!.id))).status).toBe(404);
  });

  it("refuses files from another CCAS's director, staff of the coordinating CCAS and another network; nothing stored", async () => {
    const offerId = offerIds[0]!;
    const before = (await filesOf("purchaseOfferId", offerId)).length;
    expect((await upload(FRANCONVILLE_DIRECTOR(), purchasePath(), "intrus.pdf", pdf, { offerId })).status).toBe(403);
    expect((await upload(ERMONT_STAFF(), purchasePath(), "intrus.pdf", pdf, { offerId })).status).toBe(403);
    expect((await upload(THIL_DIRECTOR(), purchasePath(), "intrus.pdf", pdf, { offerId })).status).toBe(404);
    // An offer of another purchase is not found on this one's page.
    expect((await upload(ERMONT_DIRECTOR(), purchasePath(), "ailleurs.pdf", pdf, { offerId: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    expect((await filesOf("purchaseOfferId", offerId)).length).toBe(before);
    // Readers who may not change the offer are not offered the file field.
    const html = (await get(FRANCONVILLE_DIRECTOR(), purchasePath())).text;
    expect(html).not.toContain(`id="pj-${offerId}-file"`);
  });

  it("refuses an executable renamed .pdf and a file over 10 MB with a French message next to that offer's file field", async () => {
    const offerId = offerIds.at(-1)!;
    const before = (await filesOf("purchaseOfferId", offerId)).length;
    let response = await upload(ERMONT_DIRECTOR(), purchasePath(), "facture.pdf", renamedExecutable(), { offerId });
    expect(response.status).toBe(200);
    expect(fileError(response.text, offerId)).toContain("Le contenu de « facture.pdf » n'est pas d'un type accepté");
    expect(response.text).toMatch(new RegExp(`id="pj-${offerId}-file"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="pj-${offerId}-file"`));
    const huge = new Uint8Array(11 * 1024 * 1024);
    huge.set(pdf);
    response = await upload(ERMONT_DIRECTOR(), purchasePath(), "enorme.pdf", huge, { offerId });
    expect(fileError(response.text, offerId)).toBe("Le fichier dépasse 10 Mo : réduisez-le ou partagez un lien.");
    expect((await filesOf("purchaseOfferId", offerId)).length).toBe(before);
  });

  it("asks for confirmation before deleting, lets only the managers delete, and removes the bytes", async () => {
    const offerId = offerIds[0]!;
    const [file] = await filesOf("purchaseOfferId", offerId);
    const fields = { intent: "delete-attachment", attachmentId: file!.id, fileName: file!.fileName, ownerId: offerId };
    const asked = await post(ERMONT_DIRECTOR(), purchasePath(), fields);
    expect(visibleText(asked.text)).toContain(`Supprimer « ${file!.fileName} » ?`);
    // Who may not delete it is not even asked.
    expect((await post(FRANCONVILLE_DIRECTOR(), purchasePath(), fields)).status).toBe(403);
    expect(await filesOf("purchaseOfferId", offerId)).toHaveLength(2);
    expect((await post(FRANCONVILLE_DIRECTOR(), purchasePath(), { ...fields, confirm: "oui" })).status).toBe(403);
    expect((await post(THIL_DIRECTOR(), purchasePath(), { ...fields, confirm: "oui" })).status).toBe(404);
    expect(await filesOf("purchaseOfferId", offerId)).toHaveLength(2);
    const done = await post(COORDINATOR(), purchasePath(), { ...fields, confirm: "oui" });
    expect(visibleText(done.text)).toContain(`Pièce jointe « ${file!.fileName} » supprimée.`);
    expect((await filesOf("purchaseOfferId", offerId)).map((row) => row.id)).not.toContain(file!.id);
    expect(existsSync(path.join(app.uploadDir, "attachments", file!.storageKey))).toBe(false);
  });
});

/** A convention of Val Parisis between Ermont and Franconville, recorded through the form by the coordinator. */
async function createValParisisConvention(title: string): Promise<string> {
  const response = await post(COORDINATOR(), `${base()}/conventions`, {
    title,
    service: "meal_delivery",
    yearlyCost: "12 000",
    splitMethod: "equal",
    startsOn: "2027-01-01",
    renewsOn: "2028-01-01",
    "parties[0].organisationId": orgId(valParisis, ERMONT),
    "parties[1].organisationId": orgId(valParisis, FRANCONVILLE),
  });
  expect(response.status).toBe(302);
  return response.location!.split("/").pop()!;
}

describe("documents of a convention", () => {
  let conventionId: string;
  const conventionPath = () => `${base()}/conventions/${conventionId}`;
  beforeAll(async () => {
    conventionId = await createValParisisConvention("Portage de repas Ermont – Franconville");
  });

  it("lets a party's director add a document that every member reads; not another CCAS's director, staff, nor another network", async () => {
    const sent = await upload(FRANCONVILLE_DIRECTOR(), conventionPath(), "convention signée.pdf", pdf);
    expect(visibleText(sent.text)).toContain("Pièce jointe « convention signée.pdf » ajoutée.");
    expect((await upload(TAVERNY_DIRECTOR(), conventionPath(), "intrus.pdf", pdf)).status).toBe(403);
    expect((await upload(FRANCONVILLE_STAFF(), conventionPath(), "intrus.pdf", pdf)).status).toBe(403);
    expect((await upload(THIL_DIRECTOR(), conventionPath(), "intrus.pdf", pdf)).status).toBe(404);
    const files = await filesOf("conventionId", conventionId);
    expect(files.map((file) => file.fileName)).toEqual(["convention signée.pdf"]);
    const page = visibleText((await get(TAVERNY_DIRECTOR(), conventionPath())).text);
    expect(page).toContain("Documents de la convention");
    expect(page).toContain("convention signée.pdf");
    expect(page).not.toContain("Ajouter un document");
    expect((await get(ERMONT_STAFF(), download(valParisis.slug, files[0]!.id))).status).toBe(200);
    expect((await get(THIL_DIRECTOR(), download(paysHaut.slug, files[0]!.id))).status).toBe(404);
  });

  it("refuses a renamed executable next to the field, and deletes only after confirmation, by a party's director or a coordinator", async () => {
    const refused = await upload(ERMONT_DIRECTOR(), conventionPath(), "budget.pdf", renamedExecutable());
    expect(fileError(refused.text, conventionId)).toContain("n'est pas d'un type accepté");
    const [file] = await filesOf("conventionId", conventionId);
    expect(await filesOf("conventionId", conventionId)).toHaveLength(1);
    const fields = { intent: "delete-attachment", attachmentId: file!.id, fileName: file!.fileName };
    expect(visibleText((await post(ERMONT_DIRECTOR(), conventionPath(), fields)).text)).toContain("Supprimer « convention signée.pdf » ?");
    expect((await post(TAVERNY_DIRECTOR(), conventionPath(), { ...fields, confirm: "oui" })).status).toBe(403);
    // A file of another owner is not found from this convention's page.
    const offerFile = (await filesOf("purchaseOfferId", offerIds[0]!))[0]!;
    expect((await post(ERMONT_DIRECTOR(), conventionPath(), { ...fields, attachmentId: offerFile.id, confirm: "oui" })).status).toBe(404);
    expect(await filesOf("purchaseOfferId", offerIds[0]!)).toHaveLength(1);
    expect(await filesOf("conventionId", conventionId)).toHaveLength(1);
    await post(ERMONT_DIRECTOR(), conventionPath(), { ...fields, confirm: "oui" });
    expect(await filesOf("conventionId", conventionId)).toEqual([]);
  });

  it("deletes a convention's file rows with the convention", async () => {
    await upload(ERMONT_DIRECTOR(), conventionPath(), "annexe.pdf", pdf);
    expect(await filesOf("conventionId", conventionId)).toHaveLength(1);
    const other = await createValParisisConvention("Convention supprimée");
    await upload(ERMONT_DIRECTOR(), `${base()}/conventions/${other}`, "annexe.pdf", pdf);
    await app.database.db.deleteFrom("conventions").where("id", "=", other).execute();
    expect(await filesOf("conventionId", other)).toEqual([]);
  });
});

describe("editing a purchase project", () => {
  const edit = (fields: Record<string, string> = {}) => ({
    intent: "edit",
    subject: "Analyse des besoins sociaux 2027 (ABS)",
    needDescription: "Analyse des besoins sociaux de chaque CCAS, avec un tronc commun territorial.",
    contactName: "Denis Durand",
    contactEmail: "direction@ccas-ermont.demo.tablee.fr",
    joinDeadline: "2099-02-28",
    ...fields,
  });
  const stored = () =>
    app.database.db
      .selectFrom("groupPurchases")
      .select(["subject", "needDescription", "contactName", "contactEmail", sql<string>`join_deadline::text`.as("joinDeadline")])
      .where("id", "=", purchaseId)
      .executeTakeFirstOrThrow();

  it("refuses staff, another CCAS's director and another network; nothing changes", async () => {
    const before = await stored();
    expect((await post(FRANCONVILLE_DIRECTOR(), purchasePath(), edit())).status).toBe(403);
    expect((await post(ERMONT_STAFF(), purchasePath(), edit())).status).toBe(403);
    expect((await post(THIL_DIRECTOR(), purchasePath(), edit())).status).toBe(404);
    expect(await stored()).toEqual(before);
    expect(visibleText((await get(FRANCONVILLE_DIRECTOR(), purchasePath())).text)).not.toContain("Modifier le projet");
  });

  it("refuses a too-short subject and a past deadline next to the field, keeping what was typed; nothing saved", async () => {
    const before = await stored();
    let response = await post(ERMONT_DIRECTOR(), purchasePath(), edit({ subject: "AB" }));
    expect(fieldError(response.text, "subject")).toBe("L'objet doit faire au moins 3 caractères.");
    expect(inputValue(response.text, "contactName")).toBe("Denis Durand");
    response = await post(ERMONT_DIRECTOR(), purchasePath(), edit({ joinDeadline: "2020-01-01" }));
    expect(fieldError(response.text, "joinDeadline")).toBe("La date limite d'adhésion ne peut pas être passée.");
    expect(inputValue(response.text, "subject")).toBe("Analyse des besoins sociaux 2027 (ABS)");
    response = await post(ERMONT_DIRECTOR(), purchasePath(), edit({ contactEmail: "pas-une-adresse" }));
    expect(fieldError(response.text, "contactEmail")).toBe("Indiquez une adresse e-mail valide.");
    expect(await stored()).toEqual(before);
  });

  it("saves the coordinating director's and the coordinators' changes, and journals them", async () => {
    expect((await post(ERMONT_DIRECTOR(), purchasePath(), edit())).status).toBe(200);
    expect(await stored()).toEqual({
      subject: "Analyse des besoins sociaux 2027 (ABS)",
      needDescription: "Analyse des besoins sociaux de chaque CCAS, avec un tronc commun territorial.",
      contactName: "Denis Durand",
      contactEmail: "direction@ccas-ermont.demo.tablee.fr",
      joinDeadline: "2099-02-28",
    });
    expect(visibleText((await get(FRANCONVILLE_STAFF(), purchasePath())).text)).toContain("Analyse des besoins sociaux de chaque CCAS, avec un tronc commun territorial.");
    const journal = visibleText((await get(COORDINATOR(), `${base()}/journal`)).text);
    expect(journal).toContain("Achat groupé modifié");
    expect(journal).toContain("Achat groupé « Analyse des besoins sociaux 2027 (ABS) » : objet, description du besoin, date limite d'adhésion");
    expect((await post(COORDINATOR(), purchasePath(), edit({ subject: "Analyse des besoins sociaux 2027" }))).status).toBe(200);
    expect((await stored()).subject).toBe("Analyse des besoins sociaux 2027");
  });

  it("keeps a deadline already past when it is not moved (the project goes on after it)", async () => {
    await app.database.db.updateTable("groupPurchases").set({ joinDeadline: "2020-01-01" }).where("id", "=", purchaseId).execute();
    try {
      const response = await post(ERMONT_DIRECTOR(), purchasePath(), edit({ subject: "Analyse des besoins sociaux 2027", joinDeadline: "2020-01-01", contactName: "Denis D." }));
      expect(response.status).toBe(200);
      expect(await stored()).toMatchObject({ contactName: "Denis D.", joinDeadline: "2020-01-01" });
    } finally {
      await app.database.db.updateTable("groupPurchases").set({ joinDeadline: "2099-01-01" }).where("id", "=", purchaseId).execute();
    }
  });
});

describe("editing a convention", () => {
  let conventionId: string;
  const conventionPath = () => `${base()}/conventions/${conventionId}`;
  beforeAll(async () => {
    conventionId = await createValParisisConvention("Minibus Ermont – Franconville");
  });
  const edit = (fields: Record<string, string> = {}) => ({
    intent: "edit",
    title: "Minibus Ermont – Franconville – Taverny",
    service: "transport_minibus",
    yearlyCost: "15 000",
    splitMethod: "percentage",
    startsOn: "2027-01-01",
    renewsOn: "2029-01-01",
    "parties[0].organisationId": orgId(valParisis, ERMONT),
    "parties[0].share": "50",
    "parties[1].organisationId": orgId(valParisis, FRANCONVILLE),
    "parties[1].share": "30",
    "parties[2].organisationId": orgId(valParisis, TAVERNY),
    "parties[2].share": "20",
    ...fields,
  });
  const stored = async () => {
    const db = app.database.db;
    const convention = await db
      .selectFrom("conventions")
      .select(["title", "service", "yearlyCostCents", "splitMethod", "ratePerInhabitantCents", sql<string>`renews_on::text`.as("renewsOn")])
      .where("id", "=", conventionId)
      .executeTakeFirstOrThrow();
    const parties = await db.selectFrom("conventionParties").select(["organisationId", "basisPoints"]).where("conventionId", "=", conventionId).orderBy("organisationId").execute();
    return { ...convention, yearlyCostCents: Number(convention.yearlyCostCents), parties };
  };

  it("shows a party's director the form filled with the convention as it stands", async () => {
    const html = (await get(FRANCONVILLE_DIRECTOR(), conventionPath())).text;
    expect(visibleText(html)).toContain("Modifier la convention");
    expect(inputValue(html, "title")).toBe("Minibus Ermont – Franconville");
    const checked = [...html.matchAll(/<input type="checkbox" name="parties\[\d+\]\.organisationId"[^>]*>/g)].filter((tag) => tag[0].includes('checked=""'));
    expect(checked.map((tag) => tag[0].match(/value="([^"]+)"/)![1]).sort()).toEqual([orgId(valParisis, ERMONT), orgId(valParisis, FRANCONVILLE)].sort());
    expect(visibleText((await get(TAVERNY_DIRECTOR(), conventionPath())).text)).not.toContain("Modifier la convention");
  });

  it("refuses a director outside it, staff, another network, and a party's director handing it to others; nothing changes", async () => {
    const before = await stored();
    expect((await post(TAVERNY_DIRECTOR(), conventionPath(), edit())).status).toBe(403);
    expect((await post(ERMONT_STAFF(), conventionPath(), edit())).status).toBe(403);
    expect((await post(THIL_DIRECTOR(), conventionPath(), edit())).status).toBe(404);
    // Franconville's director may not turn it into a convention Franconville is no party to.
    const withoutFranconville = edit({ "parties[0].share": "60", "parties[2].share": "40" }) as Record<string, string>;
    delete withoutFranconville["parties[1].organisationId"];
    delete withoutFranconville["parties[1].share"];
    expect((await post(FRANCONVILLE_DIRECTOR(), conventionPath(), withoutFranconville)).status).toBe(403);
    expect(await stored()).toEqual(before);
  });

  it("refuses percentages not adding up and a renewal before the start, next to the field, input kept; nothing changes", async () => {
    const before = await stored();
    let response = await post(FRANCONVILLE_DIRECTOR(), conventionPath(), edit({ "parties[2].share": "10" }));
    expect(formFieldError(response.text, "modifier-convention", "parties")).toBe("Les pourcentages doivent totaliser 100 % (ils totalisent 90 %).");
    expect(inputValue(response.text, "title")).toBe("Minibus Ermont – Franconville – Taverny");
    response = await post(FRANCONVILLE_DIRECTOR(), conventionPath(), edit({ renewsOn: "2026-06-01" }));
    expect(formFieldError(response.text, "modifier-convention", "renewsOn")).toBe("Le renouvellement doit suivre le début de la convention.");
    response = await post(FRANCONVILLE_DIRECTOR(), conventionPath(), edit({ yearlyCost: "-3" }));
    expect(formFieldError(response.text, "modifier-convention", "yearlyCost")).toBe("Le coût annuel ne peut pas être négatif.");
    response = await post(FRANCONVILLE_DIRECTOR(), conventionPath(), edit({ yearlyCost: "" }));
    expect(formFieldError(response.text, "modifier-convention", "yearlyCost")).toBe("Le coût annuel : indiquez un montant en euros.");
    expect(await stored()).toEqual(before);
  });

  it("saves parties, service, cost, key and dates together, shows the new shares, and journals the change", async () => {
    expect((await post(FRANCONVILLE_DIRECTOR(), conventionPath(), edit())).status).toBe(200);
    expect(await stored()).toEqual({
      title: "Minibus Ermont – Franconville – Taverny",
      service: "transport_minibus",
      yearlyCostCents: 1_500_000,
      splitMethod: "percentage",
      ratePerInhabitantCents: null,
      renewsOn: "2029-01-01",
      parties: [
        { organisationId: orgId(valParisis, ERMONT), basisPoints: 5000 },
        { organisationId: orgId(valParisis, FRANCONVILLE), basisPoints: 3000 },
        { organisationId: orgId(valParisis, TAVERNY), basisPoints: 2000 },
      ].sort((a, b) => (a.organisationId < b.organisationId ? -1 : 1)),
    });
    // Taverny, now a party, sees what it owes and may manage the convention.
    const page = visibleText((await get(TAVERNY_DIRECTOR(), conventionPath())).text);
    expect(page).toMatch(/Cette année, le CCAS de Taverny doit 3\s000,00\s€/);
    expect(page).toContain("Modifier la convention");
    const journal = visibleText((await get(COORDINATOR(), `${base()}/journal`)).text);
    expect(journal).toContain("Convention « Minibus Ermont – Franconville – Taverny » : intitulé, service, coût annuel, clé de répartition, renouvellement, parties");
  });
});

describe("the per-inhabitant rate key (Roujan's partners pay 3,60 € per inhabitant a year)", () => {
  const paysHautConventions = () => `/reseaux/${paysHaut.slug}/conventions`;
  const roujanLike = (fields: Record<string, string> = {}) => ({
    title: "Accueil social commun à 3,60 € par habitant",
    service: "front_desk",
    yearlyCost: "",
    splitMethod: "per_inhabitant",
    ratePerInhabitant: "3,60",
    startsOn: "2027-01-01",
    renewsOn: "2028-01-01",
    "parties[0].organisationId": orgId(paysHaut, VILLERUPT),
    "parties[1].organisationId": orgId(paysHaut, THIL),
    ...fields,
  });
  const count = async () => (await app.database.db.selectFrom("conventions").select("id").where("networkId", "=", paysHaut.id).execute()).length;
  const population = async (inseeCode: string) =>
    (await app.database.db.selectFrom("organisations").select("population").where("id", "=", orgId(paysHaut, inseeCode)).executeTakeFirstOrThrow()).population!;

  it("asks for the rate, a positive one, and every party's population, next to the field; nothing saved", async () => {
    const before = await count();
    let response = await post(THIL_DIRECTOR(), paysHautConventions(), roujanLike({ ratePerInhabitant: "" }));
    expect(fieldError(response.text, "ratePerInhabitant")).toBe("Indiquez le montant dû par habitant, par exemple 3,60.");
    expect(inputValue(response.text, "title")).toBe("Accueil social commun à 3,60 € par habitant");
    response = await post(THIL_DIRECTOR(), paysHautConventions(), roujanLike({ ratePerInhabitant: "-3,60" }));
    expect(fieldError(response.text, "ratePerInhabitant")).toContain("montant positif");
    response = await post(THIL_DIRECTOR(), paysHautConventions(), roujanLike({ ratePerInhabitant: "0" }));
    expect(fieldError(response.text, "ratePerInhabitant")).toBe("Le montant par habitant doit être positif.");
    const thilPopulation = await population(THIL);
    await app.database.db.updateTable("organisations").set({ population: null }).where("id", "=", orgId(paysHaut, THIL)).execute();
    try {
      response = await post(THIL_DIRECTOR(), paysHautConventions(), roujanLike());
      expect(fieldError(response.text, "parties")).toBe("La population de CCAS de Thil n'est pas renseignée : elle est nécessaire pour un montant par habitant.");
    } finally {
      await app.database.db.updateTable("organisations").set({ population: thilPopulation }).where("id", "=", orgId(paysHaut, THIL)).execute();
    }
    expect(await count()).toBe(before);
  });

  it("makes each party owe 3,60 € × its inhabitants exactly, shows the formula, and exports it in CSV and XLSX", async () => {
    const response = await post(THIL_DIRECTOR(), paysHautConventions(), roujanLike());
    expect(response.status).toBe(302);
    const conventionPath = response.location!;
    const [villerupt, thil] = [await population(VILLERUPT), await population(THIL)];
    const euros = (cents: number) => new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(cents / 100);
    const inhabitants = (count: number) => new Intl.NumberFormat("fr-FR").format(count);
    // visibleText() turns non-breaking spaces into spaces.
    const plain = (text: string) => text.replace(/\s+/g, " ");
    const stored = await app.database.db.selectFrom("conventions").select(["yearlyCostCents", "ratePerInhabitantCents"]).where("title", "=", "Accueil social commun à 3,60 € par habitant").executeTakeFirstOrThrow();
    expect({ yearly: Number(stored.yearlyCostCents), rate: Number(stored.ratePerInhabitantCents) }).toEqual({ yearly: 360 * (villerupt + thil), rate: 360 });

    const page = visibleText((await get(THIL_DIRECTOR(), conventionPath)).text);
    expect(page).toContain("Montant fixe par habitant : 3,60 € par habitant et par an");
    expect(page).toContain(plain(`Cette année, le CCAS de Thil doit ${euros(360 * thil)}`));
    expect(page).toContain(plain(`CCAS de Villerupt 3,60 € × ${inhabitants(villerupt)} habitants ${euros(360 * villerupt)}`));
    expect(page).toContain(plain(`${inhabitants(villerupt + thil)} habitants au total : 3,60 € × ${inhabitants(villerupt + thil)} = ${euros(360 * (villerupt + thil))}.`));

    const csv = await get(THIL_DIRECTOR(), `${conventionPath}/repartition/csv`);
    const rows: string[][] = parse(csv.text, { delimiter: ";", bom: true, relax_column_count: true });
    const cents = (text: string) => Math.round(Number(text.replace(",", ".")) * 100);
    const table = rows.slice(rows.findIndex((row) => row[0] === "Partie"));
    expect(table.slice(1).map((row) => [row[0], cents(row[2]!)])).toEqual([
      ["CCAS de Villerupt", 360 * villerupt],
      ["CCAS de Thil", 360 * thil],
      ["Total", 360 * (villerupt + thil)],
    ]);
    expect(table[1]![1]).toBe(`3,60\u00a0€ × ${inhabitants(villerupt)} habitants`);

    const xlsx = await fetch(new URL(`${conventionPath}/repartition/xlsx`, app.url), { headers: { cookie: (await as(THIL_DIRECTOR())).cookieHeader } });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const amounts: Array<[string, number]> = [];
    workbook.worksheets[0]!.eachRow((row) => {
      const amount = row.getCell(3).value;
      if (typeof amount === "number") amounts.push([String(row.getCell(1).value), Math.round(amount * 100)]);
    });
    expect(amounts).toEqual([
      ["CCAS de Villerupt", 360 * villerupt],
      ["CCAS de Thil", 360 * thil],
      ["Total", 360 * (villerupt + thil)],
    ]);
  });

  it("turns an existing convention into a per-inhabitant one by editing it; renewing it then moves only the date", async () => {
    const db = app.database.db;
    const seeded = await db.selectFrom("conventions").select("id").where("networkId", "=", paysHaut.id).where("title", "like", "Référent RSA%").executeTakeFirstOrThrow();
    const target = `${paysHautConventions()}/${seeded.id}`;
    const partyIds = (await db.selectFrom("conventionParties").select("organisationId").where("conventionId", "=", seeded.id).execute()).map((row) => row.organisationId);
    const organisations = await db.selectFrom("organisations").select(["id", "population"]).where("id", "in", partyIds).execute();
    const fields: Record<string, string> = {
      intent: "edit",
      title: "Référent RSA partagé (contribution par habitant)",
      service: "rsa_referent",
      splitMethod: "per_inhabitant",
      ratePerInhabitant: "1,25",
      startsOn: "2026-01-01",
      renewsOn: "2099-06-30",
    };
    partyIds.forEach((id, index) => (fields[`parties[${index}].organisationId`] = id));
    expect((await post(PAYS_HAUT_COORDINATOR(), target, fields)).status).toBe(200);
    const expected = 125 * organisations.reduce((sum, organisation) => sum + organisation.population!, 0);
    const row = await db.selectFrom("conventions").select(["splitMethod", "yearlyCostCents", "cofinancingBasisPoints", "cofinancerName"]).where("id", "=", seeded.id).executeTakeFirstOrThrow();
    expect({ ...row, yearlyCostCents: Number(row.yearlyCostCents) }).toEqual({ splitMethod: "per_inhabitant", yearlyCostCents: expected, cofinancingBasisPoints: 0, cofinancerName: null });
    // Renewing: no cost to type, the cost follows the rate.
    const page = (await get(THIL_DIRECTOR(), target)).text;
    expect(visibleText(page)).toContain("Le coût annuel suit le montant par habitant");
    expect((await post(THIL_DIRECTOR(), target, { intent: "renew", renewsOn: "2100-06-30" })).status).toBe(200);
    const renewed = await db.selectFrom("conventions").select(["yearlyCostCents", sql<string>`renews_on::text`.as("renewsOn")]).where("id", "=", seeded.id).executeTakeFirstOrThrow();
    expect({ ...renewed, yearlyCostCents: Number(renewed.yearlyCostCents) }).toEqual({ yearlyCostCents: expected, renewsOn: "2100-06-30" });
  });
});
