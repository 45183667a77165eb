import { sql } from "kysely";
import { inTransaction, type Executor } from "../../../db/client.ts";
import { authorize, notFound } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { KnowledgeInputError, parseOrThrow } from "./input.ts";
import { swapWithNeighbour } from "./order.ts";
import { filePageSchema, movePageSchema } from "./schemas.ts";

/**
 * The wiki's tree of sections and the order of its pages: anyone creates a page in a section (or a new section), the
 * coordinators reorder the sections and the pages within a section, and move pages between sections (from the
 * contents, a page's own form or the API: `fileInSection`, the one place a page changes section).
 */

export interface SectionNode {
  id: string;
  parentId: string | null;
  title: string;
  position: number;
  depth: number;
}

export async function checkSection(db: Executor, networkId: string, sectionId: string | null | undefined) {
  if (!sectionId) return;
  const section = await db.selectFrom("wikiSections").select("id").where("id", "=", sectionId).where("networkId", "=", networkId).executeTakeFirst();
  if (!section) throw new KnowledgeInputError({ sectionId: ["Cette section n'existe pas dans ce réseau."] });
}

/** The position after the last page of a section (or of the pages without one). */
export async function nextPagePosition(db: Executor, networkId: string, sectionId: string | null): Promise<number> {
  const row = await db
    .selectFrom("documents")
    .where("networkId", "=", networkId)
    .where("kind", "=", "wiki")
    .where((eb) => (sectionId ? eb("sectionId", "=", sectionId) : eb("sectionId", "is", null)))
    .select(sql<number>`coalesce(max(position), 0)::int + 1`.as("next"))
    .executeTakeFirstOrThrow();
  return row.next;
}

/** Sections in reading order (each followed by its subsections), with their depth. */
export function flattenSections(sections: { id: string; parentId: string | null; title: string; position: number }[]): SectionNode[] {
  const children = new Map<string | null, typeof sections>();
  for (const section of sections) {
    const siblings = children.get(section.parentId) ?? [];
    siblings.push(section);
    children.set(section.parentId, siblings);
  }
  const ordered: SectionNode[] = [];
  const visit = (parentId: string | null, depth: number) => {
    const siblings = (children.get(parentId) ?? []).sort((a, b) => a.position - b.position || a.title.localeCompare(b.title, "fr"));
    for (const section of siblings) {
      ordered.push({ ...section, depth });
      if (depth < 10) visit(section.id, depth + 1);
    }
  };
  visit(null, 0);
  return ordered;
}

export async function createSection(
  db: Executor,
  actor: Actor,
  input: { networkId: string; title: string; parentId?: string | null },
): Promise<{ id: string }> {
  authorize(actor, { action: "wikiSection.create", networkId: input.networkId });
  return inTransaction(db, async (tx) => {
    if (input.parentId) {
      const parent = await tx.selectFrom("wikiSections").select("id").where("id", "=", input.parentId).where("networkId", "=", input.networkId).executeTakeFirst();
      if (!parent) throw new KnowledgeInputError({ parentId: ["Cette section n'existe pas dans ce réseau."] });
    }
    const { next } = await tx
      .selectFrom("wikiSections")
      .where("networkId", "=", input.networkId)
      .where((eb) => (input.parentId ? eb("parentId", "=", input.parentId) : eb("parentId", "is", null)))
      .select(sql<number>`coalesce(max(position), 0)::int + 1`.as("next"))
      .executeTakeFirstOrThrow();
    return tx
      .insertInto("wikiSections")
      .values({ networkId: input.networkId, parentId: input.parentId ?? null, title: input.title.trim(), position: next })
      .returning("id")
      .executeTakeFirstOrThrow();
  });
}

/** The section of that title under that parent, created if missing (what an import's folders become). */
export async function findOrCreateSection(db: Executor, actor: Actor, networkId: string, title: string, parentId: string | null): Promise<string> {
  const existing = await db
    .selectFrom("wikiSections")
    .select("id")
    .where("networkId", "=", networkId)
    .where("title", "=", title)
    .where((eb) => (parentId ? eb("parentId", "=", parentId) : eb("parentId", "is", null)))
    .executeTakeFirst();
  return existing?.id ?? (await createSection(db, actor, { networkId, title, parentId })).id;
}

/** Numbers rows 1, 2, 3… in the given order, in one statement (rows already in place are not written). */
async function renumber(tx: Executor, table: "wiki_sections" | "documents", ids: string[]): Promise<void> {
  await sql`
    update ${sql.table(table)} t set position = o.n::int
    from unnest(string_to_array(${ids.join(",")}, ',')::uuid[]) with ordinality as o(id, n)
    where t.id = o.id and t.position <> o.n`.execute(tx);
}

/** Swaps a section with its previous or next sibling. */
export async function moveSection(db: Executor, actor: Actor, input: { networkId: string; sectionId: string; direction: "up" | "down" }): Promise<void> {
  authorize(actor, { action: "wikiSection.manage", networkId: input.networkId });
  await inTransaction(db, async (tx) => {
    const section = await tx
      .selectFrom("wikiSections")
      .select(["id", "parentId", "position"])
      .where("id", "=", input.sectionId)
      .where("networkId", "=", input.networkId)
      .forUpdate()
      .executeTakeFirst();
    if (!section) return;
    const siblings = await tx
      .selectFrom("wikiSections")
      .select(["id", "position"])
      .where("networkId", "=", input.networkId)
      .where((eb) => (section.parentId ? eb("parentId", "=", section.parentId) : eb("parentId", "is", null)))
      .orderBy("position")
      .orderBy("title")
      .execute();
    // Renumber siblings so that equal positions (imported sections) still move.
    const order = swapWithNeighbour(siblings.map((sibling) => sibling.id), section.id, input.direction);
    if (order) await renumber(tx, "wiki_sections", order);
  });
}

/** A watch page of this network; a page of another network is a 404. */
async function arrangedPage(tx: Executor, networkId: string, documentId: string) {
  const page = await tx
    .selectFrom("documents")
    .leftJoin("wikiSections", "wikiSections.id", "documents.sectionId")
    .select(["documents.id", "documents.title", "documents.sectionId", "wikiSections.title as sectionTitle"])
    .where("documents.id", "=", documentId)
    .where("documents.networkId", "=", networkId)
    .where("documents.kind", "=", "wiki")
    .executeTakeFirst();
  if (!page) throw notFound();
  return page;
}

/**
 * The pages of one section (or those without one) in their order, locked (always in that order, and before any single
 * page) so that two coordinators' moves take turns instead of deadlocking.
 */
async function pagesOfSection(tx: Executor, networkId: string, sectionId: string | null): Promise<string[]> {
  const pages = await tx
    .selectFrom("documents")
    .select("id")
    .where("networkId", "=", networkId)
    .where("kind", "=", "wiki")
    .where((eb) => (sectionId ? eb("sectionId", "=", sectionId) : eb("sectionId", "is", null)))
    .orderBy("position")
    .orderBy("title")
    .orderBy("id")
    .forUpdate()
    .execute();
  return pages.map((page) => page.id);
}

export interface PageMove {
  title: string;
  sectionTitle: string | null;
  /** 1-based, after the move. */
  position: number;
  count: number;
}

/** Moves a watch page one place up or down among its section's pages (the coordinators' arrangement of the wiki). */
export async function movePage(db: Executor, actor: Actor, networkId: string, input: unknown): Promise<PageMove> {
  authorize(actor, { action: "wikiPage.arrange", networkId });
  const { documentId, direction } = parseOrThrow(movePageSchema, input);
  return inTransaction(db, async (tx) => {
    const page = await arrangedPage(tx, networkId, documentId);
    const current = await pagesOfSection(tx, networkId, page.sectionId);
    if (!current.includes(page.id)) throw new KnowledgeInputError({ documentId: ["Cette page vient d'être rangée ailleurs : rechargez la page et recommencez."] });
    const order = swapWithNeighbour(current, page.id, direction) ?? current;
    await renumber(tx, "documents", order);
    return { title: page.title, sectionTitle: page.sectionTitle, position: order.indexOf(page.id) + 1, count: order.length };
  });
}

/** Files a watch page in another section (or out of any), after that section's last page. */
export async function filePage(db: Executor, actor: Actor, networkId: string, input: unknown): Promise<{ title: string; sectionTitle: string | null }> {
  authorize(actor, { action: "wikiPage.arrange", networkId });
  const { documentId, sectionId } = parseOrThrow(filePageSchema, input);
  return inTransaction(db, async (tx) => {
    const page = await arrangedPage(tx, networkId, documentId);
    if (page.sectionId !== sectionId) await fileInSection(tx, actor, { id: page.id, networkId }, sectionId);
    const section = sectionId ? await tx.selectFrom("wikiSections").select("title").where("id", "=", sectionId).executeTakeFirst() : undefined;
    return { title: page.title, sectionTitle: section?.title ?? null };
  });
}

/**
 * Moves a watch page to another section (or out of any), after that section's last page, within the caller's
 * transaction. Every change of a page's section after its creation comes here (the contents' « Changer de section »,
 * the page's edit form, `PATCH /api/v1/pages/{id}`), so that it is always the coordinators' (`wikiPage.arrange`): a 403
 * for anyone else, before anything is read or written. The target section's pages are locked first, as `movePage` does.
 */
export async function fileInSection(tx: Executor, actor: Actor, page: { id: string; networkId: string }, sectionId: string | null): Promise<void> {
  authorize(actor, { action: "wikiPage.arrange", networkId: page.networkId });
  await checkSection(tx, page.networkId, sectionId);
  await pagesOfSection(tx, page.networkId, sectionId);
  const position = await nextPagePosition(tx, page.networkId, sectionId);
  await tx.updateTable("documents").set({ sectionId, position }).where("id", "=", page.id).execute();
}

export async function renameSection(db: Executor, actor: Actor, input: { networkId: string; sectionId: string; title: string }): Promise<void> {
  authorize(actor, { action: "wikiSection.manage", networkId: input.networkId });
  await db.updateTable("wikiSections").set({ title: input.title.trim() }).where("id", "=", input.sectionId).where("networkId", "=", input.networkId).execute();
}
