import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { welcomeItemTitle } from "../../app/features/roundtables/agenda.ts";
import { rotationPlanForNetwork } from "../../app/features/roundtables/meetings.server.ts";
import { demoEmail, ERMONT, fieldError, FRANCONVILLE, inputValue, loadDemoNetworks, orgId, TAVERNY, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import { demoAccounts } from "../../db/seed/demo.ts";
import { HttpClient, signedInClients, type HttpResponse } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * Every round-table action through HTTP, on the real app and database
 * (PGlite, or PostgreSQL with DATABASE_URL), with who may and may not.
 */

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

const COORDINATOR = () => demoEmail("val-parisis", "coordinator");
const ERMONT_DIRECTOR = () => demoEmail("val-parisis", "director", ERMONT);
const ERMONT_STAFF = () => demoEmail("val-parisis", "staff", ERMONT);
const FRANCONVILLE_DIRECTOR = () => demoEmail("val-parisis", "director", FRANCONVILLE);
const FRANCONVILLE_ELECTED = () => demoEmail("val-parisis", "elected", FRANCONVILLE);
const FRANCONVILLE_STAFF = () => demoEmail("val-parisis", "staff", FRANCONVILLE);
const OUTSIDER = () => demoEmail("pays-haut", "coordinator");

const listPath = () => `/reseaux/${valParisis.slug}/tables-rondes`;
const meetingPath = (id: string) => `${listPath()}/${id}`;

async function network() {
  return app.database.db.selectFrom("networks").selectAll().where("id", "=", valParisis.id).executeTakeFirstOrThrow();
}

async function meetings() {
  return app.database.db.selectFrom("meetings").selectAll().where("networkId", "=", valParisis.id).orderBy("startsAt").execute();
}

async function items(meetingId: string) {
  return app.database.db.selectFrom("agendaItems").selectAll().where("meetingId", "=", meetingId).orderBy("position").execute();
}

/** The seeded coming meeting, hosted by Franconville, agenda open. */
async function comingMeeting() {
  return (await meetings()).find((meeting) => meeting.hostOrganisationId === orgId(valParisis, FRANCONVILLE))!;
}

async function post(email: string, path: string, fields: Record<string, string>): Promise<HttpResponse> {
  return (await as(email)).post(path, fields);
}

describe("the round tables page", () => {
  it("shows every member the coming and past meetings with host and theme, and the plan of the next cycle", async () => {
    const response = await (await as(FRANCONVILLE_STAFF())).get(listPath());
    expect(response.status).toBe(200);
    // React 18's streaming renderer could put NUL bytes next to accented letters (see entry.server.tsx).
    expect(response.text).not.toContain("\u0000");
    const text = visibleText(response.text);
    expect(text).toContain("Prochaines tables rondes");
    expect(text).toContain("CCAS de Franconville");
    expect(text).toContain("Analyse des besoins sociaux 2027 : la préparer ensemble");
    expect(text).toContain("Tables rondes passées");
    expect(text).toContain("CCAS d'Ermont");
    expect(text).toContain("Isolement des personnes âgées");
    expect(text).toContain("Rotation : le prochain cycle");
    // Staff see the plan, but only coordinators create meetings.
    expect(text).not.toContain("Créer cette table ronde");
  });

  it("lists a plan of 15 meetings in which every member hosts once, Franconville and Ermont last", async () => {
    const plan = await rotationPlanForNetwork(app.database.db, await network());
    expect(plan).toHaveLength(15);
    expect(new Set(plan.map((slot) => slot.hostOrganisationId)).size).toBe(15);
    expect(plan.slice(-2).map((slot) => slot.hostOrganisationId)).toEqual([orgId(valParisis, ERMONT), orgId(valParisis, FRANCONVILLE)]);
  });

  it("is a 404 for a member of another network, on every address, and a 403 on the settings for non-coordinators", async () => {
    const coming = await comingMeeting();
    for (const path of [listPath(), meetingPath(coming.id), `${listPath()}/rotation`]) {
      expect((await (await as(OUTSIDER())).get(path)).status, path).toBe(404);
    }
    expect((await post(OUTSIDER(), meetingPath(coming.id), { intent: "propose", title: "Intrusion", kind: "information", estimatedMinutes: "5" })).status).toBe(404);
    expect((await (await as(ERMONT_DIRECTOR())).get(`${listPath()}/rotation`)).status).toBe(403);
    expect((await (await as(FRANCONVILLE_STAFF())).get(meetingPath("00000000-0000-4000-8000-000000000000"))).status).toBe(404);
  });
});

describe("creating the next meeting from the plan", () => {
  it("refuses a director, then lets the coordinator create it in one step, opened by the host mayor's welcome", async () => {
    const [slot] = await rotationPlanForNetwork(app.database.db, await network());
    const fields = { startsAt: slot!.startsAt.toISOString(), hostOrganisationId: slot!.hostOrganisationId! };
    expect((await post(ERMONT_DIRECTOR(), `${listPath()}?index`, fields)).status).toBe(403);
    const before = (await meetings()).length;
    // Two coordinators' clicks at once make one meeting.
    const [first, second] = await Promise.all([post(COORDINATOR(), `${listPath()}?index`, fields), post(COORDINATOR(), `${listPath()}?index`, fields)]);
    expect([first.status, second.status]).toEqual([302, 302]);
    expect(first.location).toBe(second.location);
    expect((await meetings()).length).toBe(before + 1);
    const created = (await meetings()).find((meeting) => meeting.startsAt.getTime() === slot!.startsAt.getTime())!;
    expect(created.hostOrganisationId).toBe(slot!.hostOrganisationId);
    expect(created.overrideReason).toBeNull();
    const [welcome] = await items(created.id);
    const host = [...valParisis.organisations.values()].find((organisation) => organisation.id === slot!.hostOrganisationId)!;
    expect(welcome!.title).toBe(welcomeItemTitle(host.communeName));
    expect(welcome!.title).toMatch(/^Accueil par le maire (de |d'|du |des )/);
    expect(welcome!.status).toBe("accepted");
    const page = visibleText((await (await as(FRANCONVILLE_STAFF())).get(first.location!)).text);
    expect(page).toContain(welcomeItemTitle(host.communeName));
  });

  it("asks the reason of an override next to the field, then keeps it and shows it", async () => {
    const [slot] = await rotationPlanForNetwork(app.database.db, await network());
    const taverny = orgId(valParisis, TAVERNY);
    expect(slot!.hostOrganisationId).not.toBe(taverny);
    const fields = { startsAt: slot!.startsAt.toISOString(), hostOrganisationId: taverny };
    const refused = await post(COORDINATOR(), `${listPath()}?index`, fields);
    expect(refused.status).toBe(200);
    expect(fieldError(refused.text, "overrideReason")).toMatch(/^Indiquez pourquoi CCAS de Taverny accueille à la place du CCAS proposé/);
    const accepted = await post(COORDINATOR(), `${listPath()}?index`, { ...fields, overrideReason: "Inauguration de la nouvelle maison des solidarités" });
    expect(accepted.status).toBe(302);
    const created = (await meetings()).find((meeting) => meeting.startsAt.getTime() === slot!.startsAt.getTime())!;
    expect(created.proposedHostOrganisationId).toBe(slot!.hostOrganisationId);
    const list = visibleText((await (await as(ERMONT_STAFF())).get(listPath())).text);
    expect(list).toContain("à la place de");
    expect(list).toContain("Inauguration de la nouvelle maison des solidarités");
  });

  it("refuses a stale plan date with a French message", async () => {
    const response = await post(COORDINATOR(), `${listPath()}?index`, {
      startsAt: "2030-01-01T08:30:00.000Z",
      hostOrganisationId: orgId(valParisis, ERMONT),
    });
    expect(visibleText(response.text)).toContain("Le planning a changé entre-temps");
  });
});

describe("the agenda decided in common", () => {
  it("lets a staff member propose an item; bad durations get a French message next to the field and nothing is saved", async () => {
    const meeting = await comingMeeting();
    const before = (await items(meeting.id)).length;
    for (const [minutes, message] of [
      ["-5", "Durée estimée : au moins 1 minute."],
      ["5000", "Durée estimée : 480 minutes au plus."],
      ["abc", "Durée estimée : indiquez un nombre de minutes."],
    ]) {
      const response = await post(ERMONT_STAFF(), meetingPath(meeting.id), {
        intent: "propose",
        title: "Épicerie sociale intercommunale",
        kind: "exchange",
        estimatedMinutes: minutes!,
      });
      expect(response.status).toBe(200);
      expect(fieldError(response.text, "estimatedMinutes")).toBe(message);
      expect(inputValue(response.text, "title")).toBe("Épicerie sociale intercommunale");
    }
    expect((await items(meeting.id)).length).toBe(before);
    const ok = await post(ERMONT_STAFF(), meetingPath(meeting.id), {
      intent: "propose",
      title: "Épicerie sociale intercommunale",
      description: "Mutualiser l'approvisionnement.",
      kind: "exchange",
      estimatedMinutes: "30",
    });
    expect(visibleText(ok.text)).toContain("Point proposé : « Épicerie sociale intercommunale ».");
    const created = (await items(meeting.id)).at(-1)!;
    expect(created).toMatchObject({ title: "Épicerie sociale intercommunale", status: "proposed", position: before + 1, proposingOrganisationId: orgId(valParisis, ERMONT) });
  });

  it("counts supports, one per person, and withdraws them", async () => {
    const meeting = await comingMeeting();
    const item = (await items(meeting.id)).find((row) => row.title === "Épicerie sociale intercommunale")!;
    const supports = async () => (await app.database.db.selectFrom("agendaSupports").select("userId").where("agendaItemId", "=", item.id).execute()).length;
    await post(FRANCONVILLE_STAFF(), meetingPath(meeting.id), { intent: "support", itemId: item.id });
    await post(ERMONT_DIRECTOR(), meetingPath(meeting.id), { intent: "support", itemId: item.id });
    expect(await supports()).toBe(2);
    await post(FRANCONVILLE_STAFF(), meetingPath(meeting.id), { intent: "support", itemId: item.id });
    expect(await supports()).toBe(1);
  });

  it("lets the host's director and elected and the coordinator accept; refuses staff and other CCAS' directors", async () => {
    const meeting = await comingMeeting();
    const [, abs, domiciliation] = await items(meeting.id);
    for (const email of [ERMONT_STAFF(), FRANCONVILLE_STAFF(), ERMONT_DIRECTOR()]) {
      expect((await post(email, meetingPath(meeting.id), { intent: "accept", itemId: abs!.id, version: String(abs!.version) })).status, email).toBe(403);
    }
    expect((await items(meeting.id))[1]!.status).toBe("proposed");
    const accepted = await post(FRANCONVILLE_ELECTED(), meetingPath(meeting.id), { intent: "accept", itemId: abs!.id, version: String(abs!.version) });
    expect(visibleText(accepted.text)).toContain("Point retenu à l'ordre du jour.");
    await post(COORDINATOR(), meetingPath(meeting.id), { intent: "accept", itemId: domiciliation!.id, version: String(domiciliation!.version) });
    expect((await items(meeting.id)).slice(1, 3).map((row) => row.status)).toEqual(["accepted", "accepted"]);
  });

  it("refuses a decision taken on a stale page instead of overturning the newer one", async () => {
    const meeting = await comingMeeting();
    const abs = (await items(meeting.id))[1]!;
    const stale = await post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), { intent: "accept", itemId: abs.id, version: String(abs.version - 1) });
    expect(visibleText(stale.text)).toContain("Quelqu'un a modifié ce point pendant que vous le modifiiez");
  });

  it("moves items up and down, for managers only", async () => {
    const meeting = await comingMeeting();
    const [welcome, abs, domiciliation] = await items(meeting.id);
    expect((await post(ERMONT_STAFF(), meetingPath(meeting.id), { intent: "move", itemId: domiciliation!.id, direction: "up" })).status).toBe(403);
    await post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), { intent: "move", itemId: domiciliation!.id, direction: "up" });
    expect((await items(meeting.id)).slice(0, 3).map((row) => row.id)).toEqual([welcome!.id, domiciliation!.id, abs!.id]);
    await post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), { intent: "move", itemId: domiciliation!.id, direction: "down" });
    expect((await items(meeting.id)).slice(0, 3).map((row) => row.id)).toEqual([welcome!.id, abs!.id, domiciliation!.id]);
    // The first item cannot go higher: nothing changes, no error.
    await post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), { intent: "move", itemId: welcome!.id, direction: "up" });
    expect((await items(meeting.id))[0]!.id).toBe(welcome!.id);
  });

  it("puts an item at the rank where it was dropped, for managers only", async () => {
    const meeting = await comingMeeting();
    const onAgenda = async () => (await items(meeting.id)).filter((row) => row.status === "proposed" || row.status === "accepted").map((row) => row.id);
    const before = await onAgenda();
    expect(before.length).toBeGreaterThanOrEqual(3);
    const last = before[before.length - 1]!;
    expect((await post(ERMONT_STAFF(), meetingPath(meeting.id), { intent: "move", itemId: last, toIndex: "1" })).status).toBe(403);
    expect(await onAgenda()).toEqual(before);
    const moved = await post(COORDINATOR(), meetingPath(meeting.id), { intent: "move", itemId: last, toIndex: "1" });
    expect(visibleText(moved.text)).toContain("Point déplacé en position 2.");
    expect(await onAgenda()).toEqual([before[0], last, ...before.slice(1, -1)]);
    // Back to the end: a rank past the end means the last place.
    await post(COORDINATOR(), meetingPath(meeting.id), { intent: "move", itemId: last, toIndex: "999" });
    expect(await onAgenda()).toEqual(before);
    const refused = await post(COORDINATOR(), meetingPath(meeting.id), { intent: "move", itemId: last, toIndex: "-1" });
    expect(visibleText(refused.text)).toContain("Demande incomplète");
    expect(await onAgenda()).toEqual(before);
  });

  it("asks for confirmation and a reason before declining", async () => {
    const meeting = await comingMeeting();
    const item = (await items(meeting.id)).find((row) => row.title === "Épicerie sociale intercommunale")!;
    const fields = { intent: "decline", itemId: item.id, version: String(item.version) };
    const asked = await post(COORDINATOR(), meetingPath(meeting.id), fields);
    expect(visibleText(asked.text)).toContain("Ne pas retenir « Épicerie sociale intercommunale » ?");
    expect((await items(meeting.id)).find((row) => row.id === item.id)!.status).toBe("proposed");
    const noReason = await post(COORDINATOR(), meetingPath(meeting.id), { ...fields, confirm: "oui", reason: "" });
    expect(visibleText(noReason.text)).toContain("Indiquez pourquoi ce point n'est pas retenu");
    await post(COORDINATOR(), meetingPath(meeting.id), { ...fields, confirm: "oui", reason: "Déjà traité en commission" });
    const declined = (await items(meeting.id)).find((row) => row.id === item.id)!;
    expect(declined).toMatchObject({ status: "declined", declineReason: "Déjà traité en commission" });
    expect(visibleText((await (await as(ERMONT_STAFF())).get(meetingPath(meeting.id))).text)).toContain("Non retenu : Déjà traité en commission");
  });

  it("defers an item to the next meeting exactly once, marked as carried over", async () => {
    const meeting = await comingMeeting();
    const domiciliation = (await items(meeting.id)).find((row) => row.title.startsWith("Domiciliation"))!;
    const fields = { intent: "defer", itemId: domiciliation.id, version: String(domiciliation.version), confirm: "oui" };
    const [first, second] = await Promise.all([post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), fields), post(COORDINATOR(), meetingPath(meeting.id), fields)]);
    const answers = [visibleText(first.text), visibleText(second.text)];
    expect(answers.filter((text) => text.includes("Le point est reporté à la prochaine table ronde.")).length).toBe(1);
    const copies = await app.database.db.selectFrom("agendaItems").selectAll().where("carriedOverFromId", "=", domiciliation.id).execute();
    expect(copies).toHaveLength(1);
    const next = (await meetings()).find((row) => row.startsAt > meeting.startsAt)!;
    expect(copies[0]!.meetingId).toBe(next.id);
    expect(visibleText((await (await as(ERMONT_STAFF())).get(meetingPath(next.id))).text)).toContain("Reporté de la table ronde du");
    // Accepting it here again would put it on two agendas: refused.
    const settled = (await items(meeting.id)).find((row) => row.id === domiciliation.id)!;
    const again = await post(COORDINATOR(), meetingPath(meeting.id), { intent: "accept", itemId: settled.id, version: String(settled.version) });
    expect(visibleText(again.text)).toContain("Ce point est déjà « Reporté à la prochaine table ronde » : cette décision n'est plus possible.");
  });

  it("does not let two people silently overwrite each other's edit of an item", async () => {
    const meeting = await comingMeeting();
    const abs = (await items(meeting.id)).find((row) => row.title.startsWith("ABS 2027"))!;
    const edit = (title: string) => ({ intent: "edit", itemId: abs.id, version: String(abs.version), title, kind: "decision", estimatedMinutes: "45", description: "" });
    const first = await post(demoEmail("val-parisis", "director", TAVERNY), meetingPath(meeting.id), edit("ABS 2027 : groupement de commandes"));
    expect(visibleText(first.text)).toContain("Point modifié");
    const second = await post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), edit("ABS 2027 : chacun pour soi"));
    const text = visibleText(second.text);
    expect(text).toContain("Quelqu'un a modifié ce point pendant que vous le modifiiez : voici sa version à jour.");
    // The form now shows the fresh values, not the stale ones.
    expect(inputValue(second.text, "title")).toBe("ABS 2027 : groupement de commandes");
    expect((await items(meeting.id)).find((row) => row.id === abs.id)!.title).toBe("ABS 2027 : groupement de commandes");
    // Someone else's proposal is not theirs to edit.
    expect((await post(ERMONT_STAFF(), meetingPath(meeting.id), { ...edit("Vandalisme"), version: String(abs.version + 1) })).status).toBe(403);
  });

  it("moves the meeting through its statuses; a closed agenda takes no proposal; a past date is refused", async () => {
    const meeting = await comingMeeting();
    expect((await post(FRANCONVILLE_STAFF(), meetingPath(meeting.id), { intent: "status", status: "agenda_closed" })).status).toBe(403);
    const skip = await post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), { intent: "status", status: "held" });
    expect(visibleText(skip.text)).toContain("ce changement n'est pas possible");
    const closed = await post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), { intent: "status", status: "agenda_closed" });
    expect((await comingMeeting()).status).toBe("agenda_closed");
    // Closing the agenda convenes every active member of the network, once, with the agenda and an .ics file,
    // through the outbox: the page says it is being sent, the worker sends it.
    const valParisisAccounts = demoAccounts.filter((account) => account.network === "val-parisis").map((account) => account.email);
    expect(visibleText(closed.text)).toContain(`Convocation en cours d'envoi à ${valParisisAccounts.length} membres.`);
    await app.deliverMail();
    const convocations = app.mailbox.messages.filter((message) => message.subject.startsWith("Convocation : table ronde du"));
    expect(convocations.map((message) => message.to).sort()).toEqual([...valParisisAccounts].sort());
    const [convocation] = convocations;
    expect(convocation!.text).toContain("Ordre du jour :\n1. Accueil par le maire de Franconville (15 min)\n2. ABS 2027");
    expect(convocation!.text).toContain("Lieu : CCAS de Franconville, 11 rue de la Station, 95130 Franconville");
    expect(convocation!.attachments?.[0]?.filename).toMatch(/^table-ronde-\d{4}-\d{2}-\d{2}\.ics$/);
    expect(convocation!.attachments?.[0]?.content).toContain(`UID:table-ronde-${meeting.id}@tablee`);
    await post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), { intent: "status", status: "agenda_closed" });
    await app.deliverMail();
    expect(app.mailbox.messages.filter((message) => message.subject.startsWith("Convocation")).length).toBe(valParisisAccounts.length);
    const late = await post(ERMONT_STAFF(), meetingPath(meeting.id), { intent: "propose", title: "Trop tard", kind: "information", estimatedMinutes: "10" });
    expect(visibleText(late.text)).toContain("L'ordre du jour de cette table ronde est arrêté");
    const past = await post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), {
      intent: "details",
      date: "2020-01-09",
      time: "09:30",
      durationMinutes: "180",
      version: String((await comingMeeting()).version),
    });
    expect(fieldError(past.text, "date")).toBe("La table ronde ne peut pas être déplacée dans le passé.");
  });
});

describe("rotation settings", () => {
  it("lets the coordinator mark a CCAS as never hosting and declare an unavailable period, which the plan follows", async () => {
    const settings = `${listPath()}/rotation`;
    const [slot] = await rotationPlanForNetwork(app.database.db, await network());
    const due = slot!.hostOrganisationId!;
    const bad = await post(COORDINATOR(), settings, { intent: "exception", organisationId: due, startsOn: "2031-02-01", endsOn: "2031-01-01" });
    expect(fieldError(bad.text, "endsOn")).toBe("La fin de la période doit suivre son début.");
    const day = slot!.startsAt.toISOString().slice(0, 10);
    await post(COORDINATOR(), settings, { intent: "exception", organisationId: due, startsOn: day, endsOn: day, reason: "Travaux" });
    const [moved] = await rotationPlanForNetwork(app.database.db, await network());
    expect(moved!.hostOrganisationId).not.toBe(due);
    expect(moved!.skipped.map((skip) => skip.organisationId)).toEqual([due]);
    await post(COORDINATOR(), settings, { intent: "preference", organisationId: moved!.hostOrganisationId!, tieOrder: "", neverHosts: "on" });
    const plan = await rotationPlanForNetwork(app.database.db, await network());
    expect(plan.map((entry) => entry.hostOrganisationId)).not.toContain(moved!.hostOrganisationId);
    expect(plan).toHaveLength(14);
    expect((await post(ERMONT_DIRECTOR(), settings, { intent: "preference", organisationId: due, neverHosts: "on" })).status).toBe(403);
  });
});

describe("minutes", () => {
  it("are started once by the host or a coordinator, as a co-edited 'minutes' document every member can open", async () => {
    const meeting = (await meetings()).find((row) => row.hostOrganisationId === orgId(valParisis, ERMONT))!;
    const path = `${meetingPath(meeting.id)}/compte-rendu`;
    expect(visibleText((await (await as(FRANCONVILLE_STAFF())).get(path)).text)).toContain("Pas encore de compte rendu");
    expect((await post(FRANCONVILLE_DIRECTOR(), path, {})).status).toBe(403);
    expect((await (await as(OUTSIDER())).get(path)).status).toBe(404);
    const [first, second] = await Promise.all([post(ERMONT_DIRECTOR(), path, {}), post(COORDINATOR(), path, {})]);
    expect([first.status, second.status]).toEqual([302, 302]);
    const { minutesDocumentId } = await app.database.db.selectFrom("meetings").select("minutesDocumentId").where("id", "=", meeting.id).executeTakeFirstOrThrow();
    const documents = await app.database.db.selectFrom("documents").selectAll().where("kind", "=", "minutes").where("networkId", "=", valParisis.id).execute();
    expect(documents.map((document) => document.id)).toEqual([minutesDocumentId]);
    expect(documents[0]!.title).toMatch(/^Compte rendu de la table ronde du .* à Ermont$/);
    const page = await (await as(FRANCONVILLE_STAFF())).get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain(minutesDocumentId!);
  });
});

describe("calendar file", () => {
  it("downloads a meeting as an .ics file for members only", async () => {
    const meeting = await comingMeeting();
    const response = await (await as(ERMONT_STAFF())).get(`${meetingPath(meeting.id)}/ics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="table-ronde-\d{4}-\d{2}-\d{2}\.ics"$/);
    expect(response.text).toContain(`UID:table-ronde-${meeting.id}@tablee`);
    expect(response.text).toContain("DTSTART;TZID=Europe/Paris:");
    expect(response.text).toContain("SUMMARY:Table ronde inter-CCAS — CCAS de Franconville");
    expect((await (await as(OUTSIDER())).get(`${meetingPath(meeting.id)}/ics`)).status).toBe(404);
  });
});

describe("attendance", () => {
  it("lets each CCAS register who comes, with French errors next to the fields; the host sees the count and the accessibility needs", async () => {
    const meeting = await comingMeeting();
    const ermont = orgId(valParisis, ERMONT);
    const invalid = await post(ERMONT_STAFF(), meetingPath(meeting.id), { intent: "register", organisationId: ermont, name: "", function: "director" });
    expect(fieldError(invalid.text, "name")).toBe("Indiquez le nom de la personne.");
    // Nobody registers another CCAS's people.
    expect((await post(FRANCONVILLE_STAFF(), meetingPath(meeting.id), { intent: "register", organisationId: ermont, name: "Intrus", function: "other" })).status).toBe(403);
    const ok = await post(ERMONT_STAFF(), meetingPath(meeting.id), {
      intent: "register",
      organisationId: ermont,
      name: "Élise Martin",
      function: "elected",
      accessibilityNeeds: "Rampe d'accès indispensable",
    });
    expect(visibleText(ok.text)).toContain("Élise Martin est inscrit·e.");
    const host = visibleText((await (await as(FRANCONVILLE_DIRECTOR())).get(meetingPath(meeting.id))).text);
    expect(host).toContain("1 personne inscrite : CCAS d'Ermont (1).");
    expect(host).toContain("Élise Martin (CCAS d'Ermont) : Rampe d'accès indispensable");
    // Another CCAS's staff sees the count, not the names nor the needs.
    const other = visibleText((await (await as(FRANCONVILLE_STAFF())).get(meetingPath(meeting.id))).text);
    expect(other).toContain("1 personne inscrite");
    expect(other).not.toContain("Rampe d'accès indispensable");
    expect(other).not.toContain("Élise Martin —");
    const row = await app.database.db.selectFrom("attendance").selectAll().where("meetingId", "=", meeting.id).executeTakeFirstOrThrow();
    expect((await post(FRANCONVILLE_STAFF(), meetingPath(meeting.id), { intent: "unregister", attendeeId: row.id })).status).toBe(403);
    // Presence is recorded once the meeting has begun, not before.
    const early = await post(FRANCONVILLE_DIRECTOR(), meetingPath(meeting.id), { intent: "presence", attendeeId: row.id, attended: "oui" });
    expect(visibleText(early.text)).toContain("Les présences se notent une fois la table ronde commencée.");
  });

  it("closes registrations two days before; after the meeting the host records who came", async () => {
    const past = (await meetings()).find((row) => row.hostOrganisationId === orgId(valParisis, ERMONT))!;
    const refused = await post(FRANCONVILLE_STAFF(), meetingPath(past.id), {
      intent: "register",
      organisationId: orgId(valParisis, FRANCONVILLE),
      name: "Sophie Petit",
      function: "other",
    });
    expect(visibleText(refused.text)).toMatch(/Les inscriptions sont closes depuis le .* : contactez le CCAS d'accueil\./);
    const inserted = await app.database.db
      .insertInto("attendance")
      .values({ meetingId: past.id, organisationId: orgId(valParisis, TAVERNY), name: "Thomas Moreau", function: "director" })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect((await post(ERMONT_STAFF(), meetingPath(past.id), { intent: "presence", attendeeId: inserted.id, attended: "oui" })).status).toBe(403);
    await post(ERMONT_DIRECTOR(), meetingPath(past.id), { intent: "presence", attendeeId: inserted.id, attended: "oui" });
    expect((await app.database.db.selectFrom("attendance").select("attended").where("id", "=", inserted.id).executeTakeFirstOrThrow()).attended).toBe(true);
  });
});

describe("follow-up actions", () => {
  it("are decided by the host, due after the meeting, shown at the next meetings while open, and closed by their CCAS", async () => {
    const past = (await meetings()).find((row) => row.hostOrganisationId === orgId(valParisis, ERMONT))!;
    const coming = await comingMeeting();
    const taverny = orgId(valParisis, TAVERNY);
    const fields = { intent: "follow-up", title: "Recenser les besoins d'ABS de chaque CCAS", ownerOrganisationId: taverny, dueOn: "2020-01-01" };
    expect((await post(ERMONT_STAFF(), meetingPath(past.id), { ...fields, dueOn: "2030-01-01" })).status).toBe(403);
    const early = await post(ERMONT_DIRECTOR(), meetingPath(past.id), fields);
    expect(fieldError(early.text, "dueOn")).toBe("L'échéance ne peut pas précéder la table ronde où l'action est décidée.");
    const missing = await post(ERMONT_DIRECTOR(), meetingPath(past.id), { ...fields, ownerOrganisationId: "", dueOn: "2030-01-01" });
    expect(fieldError(missing.text, "ownerOrganisationId")).toBe("Choisissez le CCAS qui porte l'action.");
    expect(await app.database.db.selectFrom("followUpActions").selectAll().execute()).toEqual([]);
    const ok = await post(ERMONT_DIRECTOR(), meetingPath(past.id), { ...fields, dueOn: "2030-01-31" });
    expect(visibleText(ok.text)).toContain("Action de suivi ajoutée.");
    const next = visibleText((await (await as(FRANCONVILLE_STAFF())).get(meetingPath(coming.id))).text);
    expect(next).toContain("Actions en cours des tables rondes précédentes");
    expect(next).toContain("Recenser les besoins d'ABS de chaque CCAS — CCAS de Taverny, échéance le 31 janvier 2030");
    // Each CCAS's directory page shows what it hosted and the actions it owes.
    const tavernyPage = visibleText((await (await as(FRANCONVILLE_STAFF())).get(`/reseaux/${valParisis.slug}/annuaire/${taverny}`)).text);
    expect(tavernyPage).toContain("Actions de suivi en cours Recenser les besoins d'ABS de chaque CCAS — échéance le 31 janvier 2030");
    const ermontPage = visibleText((await (await as(FRANCONVILLE_STAFF())).get(`/reseaux/${valParisis.slug}/annuaire/${orgId(valParisis, ERMONT)}`)).text);
    expect(ermontPage).toMatch(/Ermont a accueilli la table ronde du \d+ \S+ \d{4} : Isolement des personnes âgées/);
    const action = await app.database.db.selectFrom("followUpActions").selectAll().executeTakeFirstOrThrow();
    expect((await post(FRANCONVILLE_STAFF(), meetingPath(coming.id), { intent: "follow-up-status", actionId: action.id, status: "done" })).status).toBe(403);
    await post(demoEmail("val-parisis", "staff", TAVERNY), meetingPath(coming.id), { intent: "follow-up-status", actionId: action.id, status: "done" });
    expect((await app.database.db.selectFrom("followUpActions").select("status").executeTakeFirstOrThrow()).status).toBe("done");
    expect(visibleText((await (await as(FRANCONVILLE_STAFF())).get(meetingPath(coming.id))).text)).not.toContain("Recenser les besoins d'ABS");
  });
});

describe("paper convocation", () => {
  it("prints the agenda as it will be held, for members only", async () => {
    const meeting = await comingMeeting();
    const response = await (await as(ERMONT_STAFF())).get(`${meetingPath(meeting.id)}/convocation`);
    expect(response.status).toBe(200);
    const text = visibleText(response.text);
    expect(text).toMatch(/Convocation à la table ronde du \d+ \S+ \d{4}/);
    expect(text).toContain("Accueil par le maire de Franconville — information, 15 min (CCAS de Franconville)");
    // Declined and deferred items are not on the paper agenda.
    expect(text).not.toContain("Épicerie sociale intercommunale");
    expect((await (await as(OUTSIDER())).get(`${meetingPath(meeting.id)}/convocation`)).status).toBe(404);
  });
});

describe("publishing the minutes", () => {
  it("keeps the published text as a named version of the minutes", async () => {
    const db = app.database.db;
    const meeting = (await meetings()).find((row) => row.hostOrganisationId === orgId(valParisis, ERMONT))!;
    const path = `${meetingPath(meeting.id)}/compte-rendu`;
    await post(ERMONT_DIRECTOR(), path, {});
    const { minutesDocumentId } = await db.selectFrom("meetings").select("minutesDocumentId").where("id", "=", meeting.id).executeTakeFirstOrThrow();
    await db.updateTable("meetings").set({ status: "held" }).where("id", "=", meeting.id).execute();
    const published = await post(ERMONT_DIRECTOR(), meetingPath(meeting.id), { intent: "status", status: "minutes_published" });
    expect(published.status).toBe(200);
    const revisions = await db.selectFrom("documentRevisions").select(["label", "reason"]).where("documentId", "=", minutesDocumentId!).execute();
    expect(revisions).toContainEqual({ label: "Compte rendu publié", reason: "event" });
  });
});

describe("activity log", () => {
  it("shows the coordinator who created meetings, changed statuses, decided items and changed the rotation; nobody else", async () => {
    const journal = `/reseaux/${valParisis.slug}/journal`;
    const text = visibleText((await (await as(COORDINATOR())).get(journal)).text);
    expect(text).toMatch(/Table ronde créée Claire Coordinatrice .*Table ronde du \d+ \S+ \d{4} chez CCAS/);
    expect(text).toMatch(/Statut d'une table ronde changé .*Tenue → Compte rendu publié/);
    expect(text).toContain("« Épicerie sociale intercommunale » : non retenu (Déjà traité en commission)");
    expect(text).toMatch(/Décision sur un point de l'ordre du jour .*: reporté à la prochaine table ronde/);
    expect(text).toContain("Réglages de la rotation changés");
    expect((await (await as(FRANCONVILLE_DIRECTOR())).get(journal)).status).toBe(403);
    expect((await (await as(OUTSIDER())).get(journal)).status).toBe(404);
  });
});
