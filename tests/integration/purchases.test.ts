import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdmin } from "../../app/cli/admin.ts";
import { absTracker } from "../../app/features/purchases/abs.server.ts";
import { queueRenewalReminders } from "../../app/features/purchases/reminders.server.ts";
import { MailBox } from "../support/server.ts";
import { demoEmail, ERMONT, fieldError, FRANCONVILLE, loadDemoNetworks, orgId, TAVERNY, THIL, VILLERUPT, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import { HttpClient, signedInClients, type HttpResponse } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/** Group purchases, conventions and ABS through HTTP on the real app and database, with who may and may not. */

let app: TestApp;
let valParisis: DemoNetwork;
let paysHaut: DemoNetwork;
let purchaseId: string;

beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis, paysHaut } = await loadDemoNetworks(app.database.db));
  purchaseId = (await app.database.db.selectFrom("groupPurchases").select("id").where("networkId", "=", valParisis.id).executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await app?.close();
});

const as = signedInClients(() => app.url);
const COORDINATOR = () => demoEmail("val-parisis", "coordinator");
const ERMONT_DIRECTOR = () => demoEmail("val-parisis", "director", ERMONT);
const ERMONT_STAFF = () => demoEmail("val-parisis", "staff", ERMONT);
const FRANCONVILLE_DIRECTOR = () => demoEmail("val-parisis", "director", FRANCONVILLE);
const FRANCONVILLE_ELECTED = () => demoEmail("val-parisis", "elected", FRANCONVILLE);
const FRANCONVILLE_STAFF = () => demoEmail("val-parisis", "staff", FRANCONVILLE);
const TAVERNY_DIRECTOR = () => demoEmail("val-parisis", "director", TAVERNY);
const OUTSIDER = () => demoEmail("pays-haut", "coordinator");
const THIL_DIRECTOR = () => demoEmail("pays-haut", "director", THIL);

const base = () => `/reseaux/${valParisis.slug}`;
const purchasePath = () => `${base()}/achats/${purchaseId}`;

async function post(email: string, path: string, fields: Record<string, string>): Promise<HttpResponse> {
  return (await as(email)).post(path, fields);
}
async function participant(inseeCode: string) {
  return app.database.db
    .selectFrom("groupPurchaseParticipants")
    .select(["decision", "estimatedNeedCents", sql<string>`board_approved_on::text`.as("boardApprovedOn"), "orderDecision"])
    .where("purchaseId", "=", purchaseId)
    .where("organisationId", "=", orgId(valParisis, inseeCode))
    .executeTakeFirst();
}
const join = (inseeCode: string, fields: Record<string, string> = {}) => ({
  intent: "respond",
  organisationId: orgId(valParisis, inseeCode),
  decision: "joined",
  estimatedNeed: "16 000",
  boardApprovedOn: "2026-10-15",
  ...fields,
});
const validOffer = {
  intent: "offer",
  providerName: "Cabinet Territoires Solidaires",
  siret: "80123456700023",
  contact: "M. Bernard",
  pricingKind: "tiers",
  tierMin1: "1",
  tierPrice1: "22 000",
  tierMin2: "5",
  tierPrice2: "16 500",
  tierMin3: "7",
  tierPrice3: "15 800",
};

describe("who sees group purchases", () => {
  it("sends anonymous visitors to sign in and gives another network's members the same 404 as for nothing", async () => {
    const anonymous = new HttpClient(app.url);
    expect((await anonymous.get(`${base()}/achats`)).status).toBe(302);
    for (const path of [`${base()}/achats`, purchasePath(), `${purchasePath()}/repartition/csv`, `${base()}/conventions`, `${base()}/abs`]) {
      expect((await (await as(OUTSIDER())).get(path)).status, path).toBe(404);
    }
    expect((await post(OUTSIDER(), purchasePath(), join(FRANCONVILLE))).status).toBe(404);
    expect(await participant(FRANCONVILLE)).toBeUndefined();
  });

  it("shows every member the project, who is in, the combined value and the procedure it implies", async () => {
    const text = visibleText((await (await as(FRANCONVILLE_STAFF())).get(purchasePath())).text);
    expect(text).toContain("Analyse des besoins sociaux 2027");
    expect(text).toContain("5 CCAS adhèrent, pour un besoin cumulé de 85 500,00 € HT");
    expect(text).toContain("Procédure adaptée (MAPA) avec publicité");
    expect(text).toContain("Compas Études et Territoires");
    // A staff member answers for nobody and manages nothing.
    expect(text).not.toContain("Enregistrer la réponse");
    expect(text).not.toContain("Enregistrer une offre");
  });
});

describe("each CCAS answers for itself", () => {
  it("refuses staff, elected members, other CCAS's directors and the coordinators answering for Franconville", async () => {
    for (const email of [FRANCONVILLE_STAFF(), FRANCONVILLE_ELECTED(), ERMONT_DIRECTOR(), COORDINATOR()]) {
      expect((await post(email, purchasePath(), join(FRANCONVILLE))).status, email).toBe(403);
    }
    expect(await participant(FRANCONVILLE)).toBeUndefined();
  });

  it("refuses a negative or non-numeric need, a missing board date, with a French message next to the field; nothing saved", async () => {
    let response = await post(FRANCONVILLE_DIRECTOR(), purchasePath(), join(FRANCONVILLE, { estimatedNeed: "-5" }));
    expect(fieldError(response.text, "estimatedNeed")).toContain("montant positif");
    response = await post(FRANCONVILLE_DIRECTOR(), purchasePath(), join(FRANCONVILLE, { estimatedNeed: "seize mille" }));
    expect(fieldError(response.text, "estimatedNeed")).toContain("indiquez un montant positif en euros");
    response = await post(FRANCONVILLE_DIRECTOR(), purchasePath(), join(FRANCONVILLE, { boardApprovedOn: "" }));
    expect(fieldError(response.text, "boardApprovedOn")).toBe("Indiquez la date de la délibération du conseil d'administration.");
    expect(await participant(FRANCONVILLE)).toBeUndefined();
  });

  it("lets the director join with the need in cents and the board date; the combined value follows", async () => {
    const response = await post(FRANCONVILLE_DIRECTOR(), purchasePath(), join(FRANCONVILLE, { estimatedNeed: "16 000,50" }));
    expect(response.status).toBe(200);
    expect(await participant(FRANCONVILLE)).toMatchObject({ decision: "joined", estimatedNeedCents: 1_600_050, boardApprovedOn: "2026-10-15" });
    expect(visibleText((await (await as(ERMONT_STAFF())).get(purchasePath())).text)).toContain("6 CCAS adhèrent, pour un besoin cumulé de 101 500,50 € HT");
  });

  it("refuses joining after the deadline", async () => {
    await app.database.db.updateTable("groupPurchases").set({ joinDeadline: "2020-01-01" }).where("id", "=", purchaseId).execute();
    try {
      const response = await post(TAVERNY_DIRECTOR(), purchasePath(), join(TAVERNY));
      expect(fieldError(response.text, "decision")).toContain("La date limite d'adhésion est passée");
      expect(await participant(TAVERNY)).toBeUndefined();
    } finally {
      await app.database.db.updateTable("groupPurchases").set({ joinDeadline: "2099-01-01" }).where("id", "=", purchaseId).execute();
    }
    expect((await post(TAVERNY_DIRECTOR(), purchasePath(), join(TAVERNY))).status).toBe(200);
  });
});

describe("creating a project", () => {
  const project = (coordinating: string, fields: Record<string, string> = {}) => ({
    subject: "Portage de repas 2027",
    needDescription: "Fourniture et livraison de repas aux personnes âgées.",
    coordinatingOrganisationId: orgId(valParisis, coordinating),
    contactName: "Fatima Haddad",
    joinDeadline: "2099-03-31",
    ...fields,
  });
  const count = async () => (await app.database.db.selectFrom("groupPurchases").select("id").where("networkId", "=", valParisis.id).execute()).length;

  it("refuses a deadline in the past, and a director naming another CCAS as coordinator; nothing saved", async () => {
    const before = await count();
    const response = await post(FRANCONVILLE_DIRECTOR(), `${base()}/achats`, project(FRANCONVILLE, { joinDeadline: "2020-01-01" }));
    expect(fieldError(response.text, "joinDeadline")).toBe("La date limite d'adhésion ne peut pas être passée.");
    expect((await post(FRANCONVILLE_DIRECTOR(), `${base()}/achats`, project(ERMONT))).status).toBe(403);
    expect((await post(FRANCONVILLE_STAFF(), `${base()}/achats`, project(FRANCONVILLE))).status).toBe(403);
    expect(await count()).toBe(before);
  });

  it("lets a director start a project for their CCAS, with its first stage dated and attributed", async () => {
    const response = await post(FRANCONVILLE_DIRECTOR(), `${base()}/achats`, project(FRANCONVILLE));
    expect(response.status).toBe(302);
    const id = response.location!.split("/").pop()!;
    const history = await app.database.db.selectFrom("groupPurchaseStageChanges").selectAll().where("purchaseId", "=", id).execute();
    expect(history).toMatchObject([{ fromStage: null, toStage: "needs" }]);
  });
});

describe("offers, comparison, award and orders", () => {
  it("refuses a SIRET with a wrong check digit, and offers from anyone but the coordinating CCAS's director and the coordinators", async () => {
    const offers = async () => (await app.database.db.selectFrom("purchaseOffers").select("id").where("purchaseId", "=", purchaseId).execute()).length;
    const before = await offers();
    const response = await post(ERMONT_DIRECTOR(), purchasePath(), { ...validOffer, siret: "80123456700024" });
    expect(fieldError(response.text, "siret")).toContain("Ce SIRET n'est pas valide");
    for (const email of [ERMONT_STAFF(), FRANCONVILLE_DIRECTOR()]) expect((await post(email, purchasePath(), validOffer)).status).toBe(403);
    expect(await offers()).toBe(before);
    expect((await post(ERMONT_DIRECTOR(), purchasePath(), validOffer)).status).toBe(200);
    expect(await offers()).toBe(before + 1);
  });

  it("compares, for the 7 participants, each CCAS's price with buying alone, and the total saving", async () => {
    const text = visibleText((await (await as(FRANCONVILLE_STAFF())).get(purchasePath())).text);
    expect(text).toContain("Prix pour 7 CCAS participants, comparé à un achat seul");
    // Compas: 17 000 € from 5 CCAS against 24 000 € alone: 7 000 € each, 49 000 € in all.
    expect(text).toMatch(/Total 119\s000,00\s€ 168\s000,00\s€ 49\s000,00\s€/);
    // Territoires Solidaires: 15 800 € from 7 against 22 000 €.
    expect(text).toMatch(/Total 110\s600,00\s€ 154\s000,00\s€ 43\s400,00\s€/);
  });

  it("lets only the managers award, with a reason; the stage change is recorded with who made it", async () => {
    const offer = await app.database.db.selectFrom("purchaseOffers").innerJoin("providers", "providers.id", "purchaseOffers.providerId").select("purchaseOffers.id").where("providers.name", "=", "Cabinet Territoires Solidaires").executeTakeFirstOrThrow();
    expect((await post(FRANCONVILLE_DIRECTOR(), purchasePath(), { intent: "award", offerId: offer.id, reason: "Le moins cher à 7 CCAS." })).status).toBe(403);
    const short = await post(COORDINATOR(), purchasePath(), { intent: "award", offerId: offer.id, reason: "ok" });
    expect(fieldError(short.text, "reason")).toContain("au moins 10 caractères");
    expect((await post(COORDINATOR(), purchasePath(), { intent: "award", offerId: offer.id, reason: "Le moins cher à 7 CCAS, méthode solide." })).status).toBe(200);
    const purchase = await app.database.db.selectFrom("groupPurchases").selectAll().where("id", "=", purchaseId).executeTakeFirstOrThrow();
    expect(purchase).toMatchObject({ stage: "award", awardedOfferId: offer.id, awardReason: "Le moins cher à 7 CCAS, méthode solide." });
    const text = visibleText((await (await as(ERMONT_STAFF())).get(purchasePath())).text);
    expect(text).toMatch(/Consultation → Attribution \(Claire Coordinatrice\)/);
  });

  it("lets each director confirm or decline its own order, nobody else", async () => {
    expect((await post(FRANCONVILLE_STAFF(), purchasePath(), { intent: "order", organisationId: orgId(valParisis, FRANCONVILLE), decision: "confirmed" })).status).toBe(403);
    expect((await post(COORDINATOR(), purchasePath(), { intent: "order", organisationId: orgId(valParisis, FRANCONVILLE), decision: "confirmed" })).status).toBe(403);
    expect((await post(FRANCONVILLE_DIRECTOR(), purchasePath(), { intent: "order", organisationId: orgId(valParisis, FRANCONVILLE), decision: "confirmed" })).status).toBe(200);
    expect((await participant(FRANCONVILLE))?.orderDecision).toBe("confirmed");
    expect((await post(TAVERNY_DIRECTOR(), purchasePath(), { intent: "order", organisationId: orgId(valParisis, TAVERNY), decision: "declined" })).status).toBe(200);
  });

  it("exports the shares as CSV (BOM, semicolons, decimal comma) and XLSX that read back to the cent", async () => {
    const csv = await (await as(FRANCONVILLE_STAFF())).get(`${purchasePath()}/repartition/csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const raw = await fetch(new URL(`${purchasePath()}/repartition/csv`, app.url), { headers: { cookie: (await as(FRANCONVILLE_STAFF())).cookieHeader } });
    const bytes = new Uint8Array(await raw.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(csv.text, { delimiter: ";", bom: true });
    expect(rows[0]).toEqual(["CCAS", "Habitants", "Commande", "Montant HT (€)"]);
    // Taverny declined: 6 CCAS buy, the 5-participant tier applies (16 500 €).
    const body = rows.slice(1, -1);
    expect(body).toHaveLength(6);
    expect(body.find((row) => row[0] === "CCAS de Franconville")).toEqual(["CCAS de Franconville", expect.any(String), "confirmée", "16500,00"]);
    expect(rows.at(-1)).toEqual(["Total", "", "", "99000,00"]);

    const xlsx = await fetch(new URL(`${purchasePath()}/repartition/xlsx`, app.url), { headers: { cookie: (await as(FRANCONVILLE_STAFF())).cookieHeader } });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.getWorksheet("Répartition")!;
    const values: Array<[string, number]> = [];
    sheet.eachRow((row) => {
      const amount = row.getCell(4).value;
      if (typeof amount === "number") values.push([String(row.getCell(1).value), amount]);
    });
    expect(values.at(-1)).toEqual(["Total", 99000]);
    expect(values.slice(0, -1).reduce((sum, [, amount]) => sum + Math.round(amount * 100), 0)).toBe(9_900_000);
  });

  it("lets only the managers change the stage", async () => {
    expect((await post(FRANCONVILLE_DIRECTOR(), purchasePath(), { intent: "stage", stage: "execution" })).status).toBe(403);
    expect((await post(ERMONT_DIRECTOR(), purchasePath(), { intent: "stage", stage: "execution" })).status).toBe(200);
    const history = await app.database.db.selectFrom("groupPurchaseStageChanges").selectAll().where("purchaseId", "=", purchaseId).orderBy("changedAt").execute();
    expect(history.at(-1)).toMatchObject({ fromStage: "award", toStage: "execution" });
  });
});

describe("conventions", () => {
  const paysHautBase = () => `/reseaux/${paysHaut.slug}/conventions`;

  it("shows each party what it owes this year: the département 60 %, Thil and Hussigny 15 % each of the rest", async () => {
    const convention = await app.database.db.selectFrom("conventions").select("id").where("networkId", "=", paysHaut.id).executeTakeFirstOrThrow();
    const text = visibleText((await (await as(THIL_DIRECTOR())).get(`${paysHautBase()}/${convention.id}`)).text);
    expect(text).toMatch(/Cette année, le CCAS de Thil doit 3\s120,00\s€/);
    expect(text).toMatch(/Département de Meurthe-et-Moselle cofinancement 31\s200,00\s€/);
    expect(text).toMatch(/CCAS de Villerupt .* 14\s560,00\s€/);
    expect((await (await as(FRANCONVILLE_DIRECTOR())).get(`${paysHautBase()}/${convention.id}`)).status).toBe(404);
    const csv = await (await as(THIL_DIRECTOR())).get(`${paysHautBase()}/${convention.id}/repartition/csv`);
    const rows: string[][] = parse(csv.text, { delimiter: ";", bom: true, relax_column_count: true });
    expect(rows.map((row) => row[2])).toEqual(["Montant (€)", "31200,00", "14560,00", "3120,00", "3120,00", "52000,00"]);
  });

  const convention = (fields: Record<string, string> = {}) => ({
    title: "Minibus de transport à la demande",
    service: "transport_minibus",
    yearlyCost: "9 000",
    splitMethod: "percentage",
    startsOn: "2027-01-01",
    renewsOn: "2028-01-01",
    "parties[0].organisationId": orgId(paysHaut, VILLERUPT),
    "parties[0].share": "60",
    "parties[1].organisationId": orgId(paysHaut, THIL),
    "parties[1].share": "30",
    ...fields,
  });
  const count = async () => (await app.database.db.selectFrom("conventions").select("id").where("networkId", "=", paysHaut.id).execute()).length;

  it("refuses percentages not adding up to 100, a residual share over 100 %, a missing population, a negative cost; nothing saved", async () => {
    const before = await count();
    let response = await post(THIL_DIRECTOR(), paysHautBase(), convention());
    expect(fieldError(response.text, "parties")).toBe("Les pourcentages doivent totaliser 100 % (ils totalisent 90 %).");
    response = await post(THIL_DIRECTOR(), paysHautBase(), convention({ splitMethod: "residual", cofinancing: "60", "parties[0].share": "", "parties[1].share": "120" }));
    expect(visibleText(response.text)).toContain("La part ne peut pas dépasser 100 %.");
    response = await post(THIL_DIRECTOR(), paysHautBase(), convention({ yearlyCost: "-9000" }));
    expect(fieldError(response.text, "yearlyCost")).toBe("Le coût annuel ne peut pas être négatif.");
    response = await post(THIL_DIRECTOR(), paysHautBase(), convention({ "parties[1].organisationId": orgId(paysHaut, VILLERUPT), "parties[1].share": "40" }));
    expect(fieldError(response.text, "parties")).toBe("Un même CCAS ne peut figurer qu'une fois parmi les parties.");
    await app.database.db.updateTable("organisations").set({ population: null }).where("id", "=", orgId(paysHaut, THIL)).execute();
    response = await post(THIL_DIRECTOR(), paysHautBase(), convention({ splitMethod: "population" }));
    expect(fieldError(response.text, "parties")).toContain("La population de CCAS de Thil n'est pas renseignée");
    await app.database.db.updateTable("organisations").set({ population: 1700, populationYear: 2022 }).where("id", "=", orgId(paysHaut, THIL)).execute();
    expect(await count()).toBe(before);
  });

  it("lets a party's director or a coordinator record a convention, not a director outside it nor another network", async () => {
    const villeruptOnly = { ...convention({ "parties[0].share": "100" }) } as Record<string, string>;
    delete villeruptOnly["parties[1].organisationId"];
    delete villeruptOnly["parties[1].share"];
    expect((await post(THIL_DIRECTOR(), paysHautBase(), villeruptOnly)).status).toBe(403);
    expect((await post(FRANCONVILLE_DIRECTOR(), paysHautBase(), convention({ "parties[1].share": "40" }))).status).toBe(404);
    const response = await post(THIL_DIRECTOR(), paysHautBase(), convention({ "parties[1].share": "40" }));
    expect(response.status).toBe(302);
  });
});

describe("renewing a convention", () => {
  it("moves the renewal date and the year's cost for a party's director; refuses an earlier date; nothing for outsiders", async () => {
    const db = app.database.db;
    const seeded = await db.selectFrom("conventions").select(["id", sql<string>`renews_on::text`.as("renewsOn")]).where("title", "like", "Référent RSA%").executeTakeFirstOrThrow();
    const path = `/reseaux/${paysHaut.slug}/conventions/${seeded.id}`;
    expect((await post(FRANCONVILLE_DIRECTOR(), path, { yearlyCost: "1", renewsOn: "2099-01-01" })).status).toBe(404);
    let response = await post(THIL_DIRECTOR(), path, { yearlyCost: "54 000", renewsOn: "2020-01-01" });
    expect(fieldError(response.text, "renewsOn")).toBe("La nouvelle date de renouvellement doit suivre la précédente.");
    response = await post(THIL_DIRECTOR(), path, { yearlyCost: "cinquante", renewsOn: "2099-01-01" });
    expect(fieldError(response.text, "yearlyCost")).toContain("indiquez un montant en euros");
    expect(await db.selectFrom("conventions").select(sql<string>`renews_on::text`.as("renewsOn")).where("id", "=", seeded.id).executeTakeFirstOrThrow()).toEqual({ renewsOn: seeded.renewsOn });
    expect((await post(THIL_DIRECTOR(), path, { yearlyCost: "54 000", renewsOn: "2099-01-01" })).status).toBe(200);
    expect(visibleText((await (await as(THIL_DIRECTOR())).get(path)).text)).toMatch(/Cette année, le CCAS de Thil doit 3\s240,00\s€/);
  });
});

describe("renewal reminders", () => {
  it("mails the parties' directors once, 60 days before renewal, even when two instances run the job at once", async () => {
    const db = app.database.db;
    const created = await db
      .insertInto("conventions")
      .values({ networkId: paysHaut.id, title: "Portage de repas", service: "meal_delivery", yearlyCostCents: 1_000_000, splitMethod: "equal", startsOn: "2030-01-10", renewsOn: "2031-01-10" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.insertInto("conventionParties").values([
      { conventionId: created.id, organisationId: orgId(paysHaut, VILLERUPT), caseload: null, basisPoints: null },
      { conventionId: created.id, organisationId: orgId(paysHaut, THIL), caseload: null, basisPoints: null },
    ]).execute();
    const run = (today: string) => queueRenewalReminders(db, { today, baseUrl: "https://tablee.example" });
    const reminders = async () => {
      await app.deliverMail();
      return app.mailbox.messages.filter((message) => message.subject.startsWith("Convention « Portage de repas »"));
    };
    expect(await run("2030-11-01")).toBe(0);
    expect(await reminders()).toHaveLength(0);
    const [first, second] = await Promise.all([run("2030-11-12"), run("2030-11-12")]);
    expect(first + second).toBe(1);
    const sent = await reminders();
    expect(sent.map((message) => message.to).sort()).toEqual([demoEmail("pays-haut", "coordinator"), THIL_DIRECTOR()].sort());
    expect(sent[0]!.subject).toBe("Convention « Portage de repas » : renouvellement le 10 janvier 2031");
    expect(await run("2030-11-20")).toBe(0);
    expect(await reminders()).toHaveLength(2);
  });

  it("can be triggered from the admin command line for a given date", async () => {
    const db = app.database.db;
    const created = await db
      .insertInto("conventions")
      .values({ networkId: paysHaut.id, title: "Logement d'urgence", service: "emergency_housing", yearlyCostCents: 300_000, splitMethod: "equal", startsOn: "2031-01-01", renewsOn: "2032-02-01" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.insertInto("conventionParties").values({ conventionId: created.id, organisationId: orgId(paysHaut, THIL), caseload: null, basisPoints: null }).execute();
    const mailbox = new MailBox();
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
    // The command delivers what it queued itself; the running app's worker may take some of it first: once either way.
    const delivered = async () => {
      await app.deliverMail();
      return [...mailbox.messages, ...app.mailbox.messages].filter((message) => message.subject.startsWith("Convention « Logement d'urgence »"));
    };
    expect(await runAdmin(["remind-renewals", "--date", "2031-12-15"], db, io, mailbox)).toBe(0);
    expect(out.at(-1)).toBe("Rappels de renouvellement envoyés pour 1 convention.");
    expect((await delivered()).map((message) => message.to)).toEqual([THIL_DIRECTOR()]);
    expect(await runAdmin(["remind-renewals", "--date", "2031-12-16"], db, io, mailbox)).toBe(0);
    expect(await delivered()).toHaveLength(1);
    expect(await runAdmin(["remind-renewals", "--date", "demain"], db, io, mailbox)).toBe(2);
  });
});

describe("ABS tracker", () => {
  const absPath = () => `${base()}/abs`;
  const status = async (inseeCode: string) =>
    app.database.db.selectFrom("absStatuses").selectAll().where("organisationId", "=", orgId(valParisis, inseeCode)).executeTakeFirst();

  it("lets a director update their own CCAS's ABS, and the coordinators any; nobody else", async () => {
    expect((await post(FRANCONVILLE_DIRECTOR(), absPath(), { organisationId: orgId(valParisis, TAVERNY), status: "in_progress" })).status).toBe(403);
    expect((await post(FRANCONVILLE_STAFF(), absPath(), { organisationId: orgId(valParisis, FRANCONVILLE), status: "in_progress" })).status).toBe(403);
    expect((await post(FRANCONVILLE_DIRECTOR(), absPath(), { organisationId: orgId(valParisis, FRANCONVILLE), status: "provider_chosen", groupPurchaseId: purchaseId })).status).toBe(200);
    expect(await status(FRANCONVILLE)).toMatchObject({ status: "provider_chosen", groupPurchaseId: purchaseId });
    expect((await post(COORDINATOR(), absPath(), { organisationId: orgId(valParisis, TAVERNY), status: "in_progress" })).status).toBe(200);
  });

  it("asks for the board date when the ABS is presented", async () => {
    const response = await post(FRANCONVILLE_DIRECTOR(), absPath(), { organisationId: orgId(valParisis, FRANCONVILLE), status: "presented" });
    expect(fieldError(response.text, "presentedOn")).toBe("Indiquez la date de présentation au conseil d'administration.");
    expect((await status(FRANCONVILLE))?.status).toBe("provider_chosen");
  });

  it("names who is late as the 2027 deadline approaches", async () => {
    const lateOn = async (today: string) => (await absTracker(app.database.db, valParisis.id, today)).filter((row) => row.late).map((row) => row.name);
    expect(await lateOn("2026-12-01")).toEqual([]);
    const inMay = await lateOn("2027-05-01");
    expect(inMay).toContain("CCAS d'Ermont");
    expect(inMay).toContain("CCAS de Franconville");
    expect(inMay).not.toContain("CCAS de Taverny");
    expect(inMay).toHaveLength(13);
    expect(visibleText((await (await as(ERMONT_STAFF())).get(base())).text)).toContain("Aucun CCAS n'est en retard pour son analyse des besoins sociaux.");
  });

  it("shows every member each CCAS's status and the linked purchase", async () => {
    const text = visibleText((await (await as(ERMONT_STAFF())).get(absPath())).text);
    expect(text).toContain("CCAS de Franconville Prestataire choisi Analyse des besoins sociaux 2027");
    expect(text).toContain("CCAS de Taverny En cours");
  });
});
