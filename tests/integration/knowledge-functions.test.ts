import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadActor } from "../../app/features/auth/actor.server.ts";
import type { Actor } from "../../app/features/auth/permissions.ts";
import {
  createPracticeNote,
  createWatchPage,
  KnowledgeInputError,
  updatePracticeNote,
  updateWatchPage,
} from "../../app/features/knowledge/knowledge.server.ts";
import { getKnowledge, listKnowledge } from "../../app/features/knowledge/read.server.ts";
import { demoEmail, ERMONT, FRANCONVILLE, loadDemoNetworks, orgId, userIdOf, type DemoNetwork } from "../support/fixtures.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * The server functions every caller of the knowledge base goes through
 * (pages, import, JSON API): validation, permissions, conversion of content.
 */

let app: TestApp;
let valParisis: DemoNetwork;
let paysHaut: DemoNetwork;
const actors: Record<string, Actor> = {};

async function actor(email: string): Promise<Actor> {
  return (actors[email] ??= await loadActor(app.database.db, await userIdOf(app.database.db, email)));
}

const ermontStaff = () => actor(demoEmail("val-parisis", "staff", ERMONT));
const ermontDirector = () => actor(demoEmail("val-parisis", "director", ERMONT));
const franconvilleStaff = () => actor(demoEmail("val-parisis", "staff", FRANCONVILLE));
const coordinator = () => actor(demoEmail("val-parisis", "coordinator"));
const outsider = () => actor(demoEmail("pays-haut", "coordinator"));

beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis, paysHaut } = await loadDemoNetworks(app.database.db));
});
afterAll(async () => {
  await app?.close();
});

async function refusal(work: Promise<unknown>): Promise<number | Record<string, string[]>> {
  try {
    await work;
  } catch (error) {
    if (error instanceof Response) return error.status;
    if (error instanceof KnowledgeInputError) return error.fieldErrors;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("watch pages", () => {
  it("creates a page from Markdown with themes by label, references and review date, and reads it back as HTML and Markdown", async () => {
    const created = await createWatchPage(app.database.db, await ermontStaff(), {
      networkId: valParisis.id,
      title: "Soins psychiatriques sans consentement",
      themes: ["sante mentale", "Gouvernance"],
      reviewOn: "2099-01-01",
      legalReferences: [{ code: "CSP", article: "L3213-2", url: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000042", effectiveOn: "2022-01-01" }],
      content: { body: "## Mesures provisoires\n\nLe **maire** peut prendre des mesures provisoires.\n\n<script>alert(1)</script>", format: "markdown" },
    });
    const page = await getKnowledge(app.database.db, await franconvilleStaff(), created.id, "wiki");
    expect(page.title).toBe("Soins psychiatriques sans consentement");
    expect(page.themes).toEqual(["Santé mentale", "Gouvernance"]);
    expect(page.legalReferences).toEqual([
      { code: "CSP", article: "L3213-2", url: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000042", effectiveOn: "2022-01-01" },
    ]);
    expect(page.html).toContain("<strong>maire</strong>");
    expect(page.html).not.toContain("script");
    expect(page.markdown).toContain("## Mesures provisoires");
    expect(page.reviewDue).toBe(false);
    expect(page.canWrite).toBe(true);
  });

  it("refuses an empty title, an unknown theme, a past review date and a non-https link, in French, writing nothing", async () => {
    const before = await app.database.db.selectFrom("documents").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const staff = await ermontStaff();
    expect(await refusal(createWatchPage(app.database.db, staff, { networkId: valParisis.id, title: "  " }))).toMatchObject({
      title: [expect.stringContaining("au moins 3 caractères")],
    });
    expect(await refusal(createWatchPage(app.database.db, staff, { networkId: valParisis.id, title: "Domiciliation", themes: ["Astrologie"] }))).toEqual({
      themes: ["Thème inconnu dans ce réseau : « Astrologie »."],
    });
    expect(await refusal(createWatchPage(app.database.db, staff, { networkId: valParisis.id, title: "Domiciliation", reviewOn: "2020-01-01" }))).toEqual({
      reviewOn: ["La date de révision doit être aujourd'hui ou plus tard."],
    });
    expect(
      await refusal(
        createWatchPage(app.database.db, staff, {
          networkId: valParisis.id,
          title: "Domiciliation",
          legalReferences: [{ code: "CASF", article: "L264-1", url: "javascript:alert(1)" }],
        }),
      ),
    ).toMatchObject({ "legalReferences.0.url": [expect.stringContaining("https://")] });
    const after = await app.database.db.selectFrom("documents").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("updates title, themes and content; the new content reaches the stored document", async () => {
    const created = await createWatchPage(app.database.db, await ermontStaff(), { networkId: valParisis.id, title: "RSA et loi plein emploi" });
    await updateWatchPage(app.database.db, app.server.realtime, await franconvilleStaff(), created.id, {
      title: "RSA : la loi pour le plein emploi",
      themes: ["Insertion et RSA"],
      content: { body: "<h1>Inscription à France Travail</h1><p>Tous les allocataires sont inscrits.</p>", format: "html" },
    });
    const page = await getKnowledge(app.database.db, await coordinator(), created.id);
    expect(page.title).toBe("RSA : la loi pour le plein emploi");
    expect(page.themes).toEqual(["Insertion et RSA"]);
    expect(page.html).toContain("<h2>Inscription à France Travail</h2>");
  });

  it("is invisible and untouchable from another network", async () => {
    const created = await createWatchPage(app.database.db, await ermontStaff(), { networkId: valParisis.id, title: "Domiciliation des personnes sans domicile stable" });
    expect(await refusal(getKnowledge(app.database.db, await outsider(), created.id))).toBe(404);
    expect(await refusal(updateWatchPage(app.database.db, app.server.realtime, await outsider(), created.id, { title: "Piraté" }))).toBe(404);
    expect(await refusal(createWatchPage(app.database.db, await outsider(), { networkId: valParisis.id, title: "Intrus" }))).toBe(403);
    expect(await listKnowledge(app.database.db, await outsider(), valParisis.id, "wiki")).toEqual([]);
    expect(paysHaut.id).not.toBe(valParisis.id);
  });
});

describe("practice notes", () => {
  it("keeps a draft within its CCAS, then publishes it to the network", async () => {
    const created = await createPracticeNote(app.database.db, await ermontStaff(), {
      networkId: valParisis.id,
      organisationId: orgId(valParisis, ERMONT),
      title: "Portage de repas à domicile",
      themes: ["Personnes âgées"],
      cost: "12 000 € par an",
      partners: "Cuisine centrale",
      contactName: "Service seniors",
      content: { body: "Nous livrons **80 repas** par jour.", format: "markdown" },
    });
    expect((await getKnowledge(app.database.db, await ermontDirector(), created.id)).details?.cost).toBe("12 000 € par an");
    // Another CCAS does not see a draft (the demo coordinator works at Ermont, so reads it).
    expect(await refusal(getKnowledge(app.database.db, await franconvilleStaff(), created.id))).toBe(404);
    expect((await getKnowledge(app.database.db, await coordinator(), created.id)).visibility).toBe("organisation");
    expect((await listKnowledge(app.database.db, await franconvilleStaff(), valParisis.id, "practice")).map((note) => note.id)).not.toContain(created.id);

    await updatePracticeNote(app.database.db, app.server.realtime, await ermontDirector(), created.id, { published: true });
    const published = await getKnowledge(app.database.db, await franconvilleStaff(), created.id);
    expect(published.visibility).toBe("network");
    expect(published.canWrite).toBe(false);
    expect(published.html).toContain("<strong>80 repas</strong>");
    // Others read a published note; only its CCAS edits it.
    expect(await refusal(updatePracticeNote(app.database.db, app.server.realtime, await franconvilleStaff(), created.id, { title: "Autre" }))).toBe(403);
  });

  it("is written only in the name of one's own CCAS", async () => {
    expect(
      await refusal(
        createPracticeNote(app.database.db, await ermontStaff(), { networkId: valParisis.id, organisationId: orgId(valParisis, FRANCONVILLE), title: "Usurpation" }),
      ),
    ).toBe(403);
    expect(
      await refusal(
        createPracticeNote(app.database.db, await coordinator(), { networkId: valParisis.id, organisationId: orgId(valParisis, FRANCONVILLE), title: "Usurpation" }),
      ),
    ).toBe(403);
  });
});
