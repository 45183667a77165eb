import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Executor } from "../../db/client.ts";
import { createDocument } from "../../app/features/documents/documents.server.ts";
import { demoEmail, ERMONT, FRANCONVILLE, loadDemoNetworks, THIL, userIdOf, type DemoNetwork } from "../support/fixtures.ts";
import { HttpClient } from "../support/http-client.ts";
import type { DiscoveredRoute } from "./discovery.ts";
import { createApiToken } from "../../app/features/api/tokens.server.ts";
import type { Caller } from "./policy.ts";

/** Shared set-up of the security suites: callers, demo ids for URL parameters, leak markers, database fingerprints. */

export const CALLER_EMAILS: Record<Exclude<Caller, "anonymous">, string> = {
  coordinator: demoEmail("val-parisis", "coordinator", ERMONT),
  director: demoEmail("val-parisis", "director", ERMONT),
  elected: demoEmail("val-parisis", "elected", ERMONT),
  staff: demoEmail("val-parisis", "staff", ERMONT),
  otherCcas: demoEmail("val-parisis", "director", FRANCONVILLE),
  otherNetwork: demoEmail("pays-haut", "director", THIL),
  // Taverny's agent is used by no other check: the suite deactivates the account.
  deactivated: demoEmail("val-parisis", "staff", "95607"),
};

/** Values for the URL parameters, all about Val Parisis and its CCAS of Ermont. */
export type DemoIds = Record<string, string> & { slug: string; organisationId: string; meetingId: string; documentId: string };

export interface SecurityFixture {
  valParisis: DemoNetwork;
  paysHaut: DemoNetwork;
  ids: DemoIds;
  clients: Record<Caller, HttpClient>;
  /** Each caller's personal API token (the deactivated user's was made before the deactivation). */
  tokens: Partial<Record<Caller, string>>;
  /** Texts of Val Parisis that nobody outside it may see, and those of Pays-Haut that Val Parisis may not. */
  markers: { valParisis: string[]; paysHaut: string[] };
}

export async function prepareSecurityFixture(
  db: Executor,
  baseUrl: string,
  callers: readonly Caller[],
  uploadDir: string,
): Promise<SecurityFixture> {
  const { valParisis, paysHaut } = await loadDemoNetworks(db);
  const ermont = valParisis.organisations.get(ERMONT)!.id;
  const meeting = await db
    .selectFrom("meetings")
    .select("id")
    .where("networkId", "=", valParisis.id)
    .where("hostOrganisationId", "=", ermont)
    .orderBy("startsAt")
    .executeTakeFirstOrThrow();
  const document = await createDocument(db, {
    networkId: valParisis.id,
    kind: "note",
    title: "Note de la coordination sur la domiciliation",
    ownerOrganisationId: ermont,
    createdBy: await userIdOf(db, CALLER_EMAILS.coordinator),
  });
  const knowledge = async (kind: "wiki" | "practice") =>
    (
      await db
        .selectFrom("documents")
        .select("id")
        .where("networkId", "=", valParisis.id)
        .where("kind", "=", kind)
        .where("visibility", "=", "network")
        .where("ownerOrganisationId", "=", ermont)
        .executeTakeFirst()
    )?.id ??
    (
      await createDocument(db, {
        networkId: valParisis.id,
        kind,
        title: kind === "wiki" ? "Page de veille de sécurité" : "Fiche pratique de sécurité",
        ownerOrganisationId: ermont,
        createdBy: await userIdOf(db, CALLER_EMAILS.coordinator),
      })
    ).id;
  const watchPageId = await knowledge("wiki");
  const practiceNoteId = await knowledge("practice");
  const storageKey = randomBytes(8).toString("hex");
  const pdf = Buffer.from("%PDF-1.4\n%%EOF\n");
  await mkdir(path.join(uploadDir, "attachments"), { recursive: true });
  await writeFile(path.join(uploadDir, "attachments", storageKey), pdf);
  const attachment = await db
    .insertInto("attachments")
    .values({ documentId: practiceNoteId, fileName: "budget.pdf", contentType: "application/pdf", sizeBytes: pdf.length, storageKey })
    .returning("id")
    .executeTakeFirstOrThrow();
  const purchase = await db.selectFrom("groupPurchases").select("id").where("networkId", "=", valParisis.id).executeTakeFirstOrThrow();
  const convention = await db
    .insertInto("conventions")
    .values({
      networkId: valParisis.id,
      title: "Convention de portage de repas Ermont–Franconville",
      service: "Portage de repas",
      yearlyCostCents: 1_200_000,
      splitMethod: "equal",
      cofinancingBasisPoints: 0,
      startsOn: "2026-01-01",
      renewsOn: "2027-01-01",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("conventionParties")
    .values(
      [ermont, valParisis.organisations.get(FRANCONVILLE)!.id].map((organisationId) => ({
        conventionId: convention.id,
        organisationId,
        caseload: null,
        basisPoints: null,
      })),
    )
    .execute();
  // A file on the demo offer and on the convention, so that their pages show (and the suites probe) the deletion form.
  const offer = await db.selectFrom("purchaseOffers").select("id").where("purchaseId", "=", purchase.id).executeTakeFirstOrThrow();
  for (const owner of [{ purchaseOfferId: offer.id }, { conventionId: convention.id }]) {
    const key = randomBytes(8).toString("hex");
    await writeFile(path.join(uploadDir, "attachments", key), pdf);
    await db.insertInto("attachments").values({ ...owner, fileName: "devis.pdf", contentType: "application/pdf", sizeBytes: pdf.length, storageKey: key }).execute();
  }
  // A convocation the mail server never took, so that the meeting's page shows (and the suites probe) sending it again.
  await db
    .insertInto("mailOutbox")
    .values({
      kind: "convocation",
      referenceId: meeting.id,
      recipient: CALLER_EMAILS.staff,
      subject: "Convocation : table ronde",
      text: "Bonjour,",
      attempts: 1,
      failedAt: new Date(),
      lastError: "550 5.1.1 Adresse inconnue",
    })
    .execute();
  const ids: DemoIds = {
    // Parameters whose value depends on the route: `<route id>:<parameter>` wins over `<parameter>`.
    "routes/reseaux.$slug.veille.$documentId._index:documentId": watchPageId,
    "routes/reseaux.$slug.veille.$documentId.export:documentId": watchPageId,
    "routes/reseaux.$slug.veille.$documentId.historique:documentId": watchPageId,
    "routes/reseaux.$slug.fiches.$documentId._index:documentId": practiceNoteId,
    "routes/reseaux.$slug.fiches.$documentId.export:documentId": practiceNoteId,
    "routes/reseaux.$slug.fiches.$documentId.historique:documentId": practiceNoteId,
    "routes/api.v1.pages.$id:id": watchPageId,
    "routes/api.v1.notes.$id:id": practiceNoteId,
    attachmentId: attachment.id,
    purchaseId: purchase.id,
    conventionId: convention.id,
    format: "csv",
    slug: valParisis.slug,
    organisationId: ermont,
    meetingId: meeting.id,
    documentId: document.id,
    // Tokens the suites cannot know: the pages must answer a wrong one in French, with nothing leaked.
    token: randomBytes(32).toString("base64url"),
    file: `${randomBytes(32).toString("base64url")}.ics`,
    section: "veille",
  };
  const clients = {} as Record<Caller, HttpClient>;
  for (const caller of callers) {
    const client = new HttpClient(baseUrl);
    if (caller !== "anonymous") {
      const response = await client.signIn(CALLER_EMAILS[caller]);
      if (response.status !== 302) throw new Error(`Connexion de ${caller} refusée (${response.status})`);
    }
    clients[caller] = client;
  }
  const tokens: Partial<Record<Caller, string>> = {};
  for (const caller of callers) {
    if (caller === "anonymous") continue;
    const created = await createApiToken(db, { userId: await userIdOf(db, CALLER_EMAILS[caller]), name: "Matrice des permissions" });
    if (!created.ok) throw new Error(created.message);
    tokens[caller] = created.token;
  }
  if (callers.includes("deactivated")) {
    // Deactivated after signing in: the session row remains, the app must stop honouring it.
    await db.updateTable("users").set({ deactivatedAt: new Date() }).where("email", "=", CALLER_EMAILS.deactivated).execute();
  }
  return { valParisis, paysHaut, ids, clients, tokens, markers: { valParisis: await markersOf(db, valParisis), paysHaut: await markersOf(db, paysHaut) } };
}

async function markersOf(db: Executor, network: DemoNetwork): Promise<string[]> {
  const meetings = await db.selectFrom("meetings").select(["hostTheme", "place"]).where("networkId", "=", network.id).execute();
  const items = await db
    .selectFrom("agendaItems")
    .innerJoin("meetings", "meetings.id", "agendaItems.meetingId")
    .select("agendaItems.title")
    .where("meetings.networkId", "=", network.id)
    .execute();
  const documents = await db.selectFrom("documents").select("title").where("networkId", "=", network.id).execute();
  const people = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.userId", "users.id")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .select("users.name")
    .where("organisations.networkId", "=", network.id)
    .execute();
  const texts = [
    network.name,
    ...[...network.organisations.values()].map((organisation) => organisation.name),
    ...meetings.flatMap((meeting) => [meeting.hostTheme, meeting.place]),
    ...items.map((item) => item.title),
    // Generic titles ("Compte rendu…") could appear anywhere: only distinctive ones are markers.
    ...documents.map((document) => document.title).filter((title) => title.length > 25),
    ...people.map((person) => person.name),
  ];
  return [...new Set(texts.filter((text): text is string => typeof text === "string" && text.length > 3))];
}

/** The markers a response body contains (HTML entities decoded, JSON escapes undone). */
export function leakedMarkers(body: string, markers: string[]): string[] {
  const decoded = body
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\\u0027/g, "'")
    .replace(/\\"/g, '"');
  return markers.filter((marker) => decoded.includes(marker));
}

/** The concrete URL of a route with the demo ids; a parameter without a value fails with what to do. */
export function urlFor(route: DiscoveredRoute, ids: Record<string, string>): string {
  return route.pattern.replace(/:(\w+)/g, (_, name: string) => {
    const value = ids[`${route.id}:${name}`] ?? ids[name];
    if (value === undefined) {
      throw new Error(
        `La route ${route.id} a un paramètre :${name} sans valeur de démonstration : ajoutez-en une dans prepareSecurityFixture (tests/security/support.ts).`,
      );
    }
    return encodeURIComponent(value);
  }).replace(/\/\*$/, "/page-inexistante");
}

/**
 * Tables written whatever the request (session activity, rate-limit counters) or by the server's own jobs (renewal
 * reminders, sent by the hourly job whatever the requests do): left out of fingerprints.
 */
const VOLATILE_TABLES = new Set(["sessions", "rate_limits", "convention_reminders"]);
/** Tables the server's own worker updates whatever the requests do (the mail outbox's worker marks messages sent): only rows added or removed count. */
const WORKER_UPDATED_TABLES = new Set(["mail_outbox"]);

/**
 * Per table, its row count and the sum of its rows' xmin (the transaction that wrote each row version): any
 * insert, update or delete changes one of them, and it costs one scan, cheap enough to take after every request.
 */
/** The fingerprint's statement for each database: its tables are listed once (information_schema is slow on PGlite). */
const fingerprintQueries = new WeakMap<Executor, string>();

export async function databaseFingerprint(db: Executor): Promise<Record<string, string>> {
  let query = fingerprintQueries.get(db);
  if (!query) {
    query = await fingerprintQuery(db);
    fingerprintQueries.set(db, query);
  }
  const result = await sql<{ name: string; hash: string }>`${sql.raw(query)}`.execute(db);
  return Object.fromEntries(result.rows.map((row) => [row.name, row.hash]));
}

async function fingerprintQuery(db: Executor): Promise<string> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const names = tables.rows.map((row) => row.name).filter((name) => !VOLATILE_TABLES.has(name));
  return names
    .map((name) =>
      WORKER_UPDATED_TABLES.has(name)
        ? `select '${name}' as name, count(*)::text || ':' || md5(coalesce(string_agg(id::text, ',' order by id), '')) as hash from "${name}"`
        : `select '${name}' as name, count(*)::text || ':' || coalesce(sum(xmin::text::bigint), 0)::text as hash from "${name}"`,
    )
    .join(" union all ");
}

/** The tables whose content differs between two fingerprints. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);
}

/** `intent` values the forms of a page submit (hidden inputs and buttons), so that every branch of an action is probed. */
export function intentsIn(html: string): string[] {
  const intents = new Set<string>();
  for (const tag of html.match(/<(?:input|button)\b[^>]*\bname="intent"[^>]*>/g) ?? []) {
    const value = tag.match(/\bvalue="([^"]*)"/)?.[1];
    if (value) intents.add(value);
  }
  return [...intents];
}

/** English words that would betray a framework's default message reaching a user. */
const ENGLISH = /\b(the|error|unexpected|invalid|cannot|bad request|not found|forbidden|unauthori[sz]ed|internal|failed|undefined|null|exception|stack)\b/i;
const FRENCH = /[éèêàçù]|\b(le|la|les|de|des|du|un|une|vous|est|pas|page|requête|formulaire|connexion)\b/i;

/** The message a refusal shows: the `error`/`message` of a JSON answer, else the visible text of the page. */
export function refusalMessage(body: string, contentType: string | null): string {
  if (contentType?.includes("json")) {
    try {
      // Either `{ error: "…" }` / `{ message: "…" }`, or the versioned API's `{ error: { code, message } }`.
      const json = JSON.parse(body) as { error?: unknown; message?: unknown };
      const nested = typeof json.error === "object" && json.error !== null ? (json.error as { message?: unknown }).message : undefined;
      return [json.error, json.message, nested].filter((part) => typeof part === "string").join(" ");
    } catch {
      return body;
    }
  }
  return body
    .replace(/<script[\s\S]*?<\/script>/gi, " ")
    .replace(/<style[\s\S]*?<\/style>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&[a-z#0-9]+;/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Null when the refusal speaks French; otherwise why not. */
export function notFrench(body: string, contentType: string | null): string | null {
  const message = refusalMessage(body, contentType);
  if (!message) return "réponse vide";
  if (!FRENCH.test(message)) return `pas en français : ${message.slice(0, 160)}`;
  const english = message.match(ENGLISH);
  if (english) return `mot anglais « ${english[0]} » : ${message.slice(0, 160)}`;
  return null;
}
