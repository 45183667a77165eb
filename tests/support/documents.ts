import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import type { Executor } from "../../db/client.ts";
import type { DocumentKind, DocumentVisibility } from "../../db/schema.ts";
import { createDocument } from "../../app/features/documents/documents.server.ts";
import { appendUpdate, compactDocument, loadState } from "../../app/features/documents/persistence.server.ts";
import { documentSchema, FRAGMENT } from "../../app/features/documents/render.server.ts";

/** Replaces a document's text as an editor would: one Yjs update, then compaction (which renders the snapshot). */
export async function writeText(db: Executor, documentId: string, paragraphs: string[]): Promise<void> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, (await loadState(db, documentId)).state);
  const before = Y.encodeStateVector(doc);
  const fragment = doc.getXmlFragment(FRAGMENT);
  fragment.delete(0, fragment.length);
  prosemirrorJSONToYXmlFragment(
    documentSchema,
    { type: "doc", content: paragraphs.map((text) => ({ type: "paragraph", content: [{ type: "text", text }] })) },
    fragment,
  );
  await appendUpdate(db, documentId, Y.encodeStateAsUpdate(doc, before), null);
  await compactDocument(db, documentId);
}

export async function addTheme(db: Executor, networkId: string, documentId: string, label: string): Promise<void> {
  const theme = await db.selectFrom("networkThemes").select("id").where("networkId", "=", networkId).where("label", "=", label).executeTakeFirstOrThrow();
  await db.insertInto("documentThemes").values({ documentId, themeId: theme.id }).execute();
}

/** A rich-text document with its text and themes, as the knowledge features would store it. */
export async function addDocument(
  db: Executor,
  input: {
    networkId: string;
    kind: DocumentKind;
    title: string;
    body: string[];
    ownerOrganisationId?: string | null;
    visibility?: DocumentVisibility;
    themes?: string[];
  },
): Promise<string> {
  const document = await createDocument(db, {
    networkId: input.networkId,
    kind: input.kind,
    title: input.title,
    ownerOrganisationId: input.ownerOrganisationId ?? null,
    visibility: input.visibility,
    createdBy: null,
  });
  await writeText(db, document.id, input.body);
  for (const label of input.themes ?? []) await addTheme(db, input.networkId, document.id, label);
  return document.id;
}

/**
 * Search tests measure ranking and counts on a corpus they write: the demo watch pages and practice notes
 * (db/seed/knowledge.ts) would add matches of their own, so they are removed first.
 */
export async function removeDemoKnowledge(db: Executor): Promise<void> {
  await db.deleteFrom("documents").where("kind", "in", ["wiki", "practice"]).execute();
}
