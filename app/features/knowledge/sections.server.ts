import { sql } from "kysely";
import { inTransaction, type Executor } from "../../../db/client.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { KnowledgeInputError } from "./knowledge.server.ts";

/** The wiki's tree of sections: anyone files pages in a new section, the coordinators reorder it. */

export interface SectionNode {
  id: string;
  parentId: string | null;
  title: string;
  position: number;
  depth: number;
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
    const index = siblings.findIndex((sibling) => sibling.id === section.id);
    const otherIndex = input.direction === "up" ? index - 1 : index + 1;
    if (otherIndex < 0 || otherIndex >= siblings.length) return;
    // Renumber siblings so that equal positions (imported sections) still move.
    const order = siblings.map((sibling) => sibling.id);
    [order[index], order[otherIndex]] = [order[otherIndex]!, order[index]!];
    for (const [position, id] of order.entries()) {
      await tx.updateTable("wikiSections").set({ position: position + 1 }).where("id", "=", id).execute();
    }
  });
}

export async function renameSection(db: Executor, actor: Actor, input: { networkId: string; sectionId: string; title: string }): Promise<void> {
  authorize(actor, { action: "wikiSection.manage", networkId: input.networkId });
  await db.updateTable("wikiSections").set({ title: input.title.trim() }).where("id", "=", input.sectionId).where("networkId", "=", input.networkId).execute();
}
