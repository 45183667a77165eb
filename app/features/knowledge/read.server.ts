import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";
import { notFound } from "../auth/guards.server.ts";
import { can, type Actor } from "../auth/permissions.ts";
import { htmlToMarkdown } from "../documents/convert.server.ts";
import { compactDocument, getSnapshot } from "../documents/persistence.server.ts";
import { todayIn } from "./knowledge.server.ts";

/** Reading watch pages and practice notes, for the pages, exports and the JSON API alike. */

export type KnowledgeKind = "wiki" | "practice";

export interface KnowledgeSummary {
  id: string;
  kind: KnowledgeKind;
  title: string;
  sectionId: string | null;
  position: number;
  ownerOrganisationId: string | null;
  organisationName: string | null;
  visibility: "network" | "organisation";
  ownerUserId: string | null;
  ownerName: string | null;
  reviewOn: string | null;
  updatedAt: Date;
  themes: string[];
  /** « Consultée N fois »: reads counted by the pages (reads.server.ts); listing or reading here counts none. */
  readCount: number;
}

/**
 * The readable documents of a kind in a network, in one query. The draft rule
 * is written here once as SQL, mirroring `document.read`, so that lists and
 * counts never include another CCAS's drafts.
 */
export async function listKnowledge(
  db: Executor,
  actor: Actor,
  networkId: string,
  kind: KnowledgeKind,
  filter: { organisationId?: string; sectionId?: string | null; ownerUserId?: string; reviewDueBy?: string } = {},
): Promise<KnowledgeSummary[]> {
  if (!can(actor, { action: "network.view", networkId })) return [];
  const ownOrganisations = actor.memberships.map((membership) => membership.organisationId);
  let query = db
    .selectFrom("documents")
    .leftJoin("organisations", "organisations.id", "documents.ownerOrganisationId")
    .leftJoin("users", "users.id", "documents.ownerUserId")
    .where("documents.networkId", "=", networkId)
    .where("documents.kind", "=", kind)
    .where((eb) =>
      eb.or([
        eb("documents.visibility", "=", "network"),
        ...(ownOrganisations.length ? [eb("documents.ownerOrganisationId", "in", ownOrganisations)] : []),
      ]),
    );
  if (filter.organisationId) query = query.where("documents.ownerOrganisationId", "=", filter.organisationId);
  if (filter.sectionId !== undefined) {
    const sectionId = filter.sectionId;
    query = query.where((eb) => (sectionId ? eb("documents.sectionId", "=", sectionId) : eb("documents.sectionId", "is", null)));
  }
  if (filter.ownerUserId) query = query.where("documents.ownerUserId", "=", filter.ownerUserId);
  if (filter.reviewDueBy) query = query.where("documents.reviewOn", "<", filter.reviewDueBy);
  const rows = await query
    .select((eb) => [
      "documents.id",
      "documents.kind",
      "documents.title",
      "documents.sectionId",
      "documents.position",
      "documents.ownerOrganisationId",
      "organisations.name as organisationName",
      "documents.visibility",
      "documents.ownerUserId",
      "users.name as ownerName",
      sql<string | null>`${eb.ref("documents.reviewOn")}::text`.as("reviewOn"),
      "documents.updatedAt",
      "documents.readCount",
      eb
        .selectFrom("documentThemes")
        .innerJoin("networkThemes", "networkThemes.id", "documentThemes.themeId")
        .whereRef("documentThemes.documentId", "=", "documents.id")
        .select(sql<string[]>`coalesce(array_agg(${sql.ref("networkThemes.label")} order by ${sql.ref("networkThemes.position")}), '{}')`.as("labels"))
        .as("themes"),
    ])
    .orderBy(kind === "wiki" ? "documents.position" : "documents.updatedAt", kind === "wiki" ? "asc" : "desc")
    .orderBy("documents.title")
    .execute();
  return rows.map((row) => ({ ...row, kind: row.kind as KnowledgeKind, themes: row.themes ?? [] }));
}

export interface KnowledgeDetail extends KnowledgeSummary {
  networkId: string;
  sectionTitle: string | null;
  themeIds: string[];
  legalReferences: { code: string; article: string; url: string | null; effectiveOn: string | null }[];
  details: { cost: string | null; partners: string | null; contactName: string | null; contactDetails: string | null } | null;
  html: string;
  markdown: string;
  text: string;
  canWrite: boolean;
  /** The review date has passed: the page is flagged "à revoir". */
  reviewDue: boolean;
  createdAt: Date;
}

/** One watch page or practice note, readable by the actor; anything else (other network, other CCAS's draft) is a 404. */
export async function getKnowledge(db: Executor, actor: Actor, documentId: string, kind?: KnowledgeKind): Promise<KnowledgeDetail> {
  const document = await db
    .selectFrom("documents")
    .leftJoin("organisations", "organisations.id", "documents.ownerOrganisationId")
    .leftJoin("users", "users.id", "documents.ownerUserId")
    .leftJoin("wikiSections", "wikiSections.id", "documents.sectionId")
    .select((eb) => [
      "documents.id",
      "documents.networkId",
      "documents.kind",
      "documents.title",
      "documents.sectionId",
      "wikiSections.title as sectionTitle",
      "documents.position",
      "documents.ownerOrganisationId",
      "organisations.name as organisationName",
      "documents.visibility",
      "documents.ownerUserId",
      "users.name as ownerName",
      sql<string | null>`${eb.ref("documents.reviewOn")}::text`.as("reviewOn"),
      "documents.updatedAt",
      "documents.createdAt",
      "documents.readCount",
    ])
    .where("documents.id", "=", documentId)
    .executeTakeFirst();
  if (
    !document ||
    (document.kind !== "wiki" && document.kind !== "practice") ||
    (kind && document.kind !== kind) ||
    !can(actor, { action: "document.read", ...document })
  ) {
    throw notFound();
  }
  const [themes, legalReferences, details] = await Promise.all([
    db
      .selectFrom("documentThemes")
      .innerJoin("networkThemes", "networkThemes.id", "documentThemes.themeId")
      .select(["networkThemes.id", "networkThemes.label"])
      .where("documentThemes.documentId", "=", documentId)
      .orderBy("networkThemes.position")
      .execute(),
    db
      .selectFrom("legalReferences")
      .select((eb) => ["code", "article", "url", sql<string | null>`${eb.ref("effectiveOn")}::text`.as("effectiveOn")])
      .where("documentId", "=", documentId)
      .orderBy("position")
      .execute(),
    document.kind === "practice"
      ? db.selectFrom("practiceNoteDetails").select(["cost", "partners", "contactName", "contactDetails"]).where("documentId", "=", documentId).executeTakeFirst()
      : Promise.resolve(undefined),
  ]);
  // Fold pending edits so that what is read (or exported) is what was last typed.
  await compactDocument(db, documentId, { autoRevision: false });
  const snapshot = await getSnapshot(db, documentId);
  const html = snapshot?.contentHtml ?? "";
  const today = await todayIn(db, document.networkId);
  return {
    ...document,
    kind: document.kind,
    themes: themes.map((theme) => theme.label),
    themeIds: themes.map((theme) => theme.id),
    legalReferences,
    details: details ?? (document.kind === "practice" ? { cost: null, partners: null, contactName: null, contactDetails: null } : null),
    html,
    markdown: htmlToMarkdown(html),
    text: snapshot?.contentText ?? "",
    canWrite: can(actor, { action: "document.write", ...document }),
    reviewDue: document.reviewOn !== null && document.reviewOn < today,
  };
}

export async function listThemes(db: Executor, networkId: string) {
  return db.selectFrom("networkThemes").select(["id", "label"]).where("networkId", "=", networkId).orderBy("position").orderBy("label").execute();
}

/** Readable documents whose text links to this one (a "#" mention renders as a link to /documents/:id). */
export async function backlinks(db: Executor, actor: Actor, networkId: string, documentId: string) {
  const rows = await db
    .selectFrom("documentSnapshots")
    .innerJoin("documents", "documents.id", "documentSnapshots.documentId")
    .select(["documents.id", "documents.kind", "documents.title", "documents.networkId", "documents.ownerOrganisationId", "documents.visibility"])
    .where("documents.networkId", "=", networkId)
    .where("documents.id", "!=", documentId)
    .where("documentSnapshots.contentHtml", "like", `%/documents/${documentId}%`)
    .orderBy("documents.title")
    .limit(100)
    .execute();
  return rows.filter((row) => can(actor, { action: "document.read", ...row })).map(({ id, kind, title }) => ({ id, kind, title }));
}

export async function listSections(db: Executor, networkId: string) {
  return db
    .selectFrom("wikiSections")
    .select(["id", "parentId", "title", "position"])
    .where("networkId", "=", networkId)
    .orderBy("position")
    .orderBy("title")
    .execute();
}
