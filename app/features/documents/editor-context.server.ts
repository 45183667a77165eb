import type { Executor } from "../../../db/client.ts";
import { compactDocument, getSnapshot } from "./persistence.server.ts";
import { colourFor } from "./presence.ts";

/** What the editor page needs besides the document: current HTML, who I am, whom and what I can mention. */
export async function editorContext(db: Executor, input: { documentId: string; networkId: string; userId: string }) {
  // Fold any pending edits so the server-rendered HTML is current.
  await compactDocument(db, input.documentId, { autoRevision: false });
  const snapshot = await getSnapshot(db, input.documentId);
  const user = await db.selectFrom("users").select(["id", "name"]).where("id", "=", input.userId).executeTakeFirstOrThrow();
  const members = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.userId", "users.id")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .where("organisations.networkId", "=", input.networkId)
    .where("memberships.deactivatedAt", "is", null)
    .where("users.deactivatedAt", "is", null)
    .select(["users.id", "users.name", "organisations.name as organisationName"])
    .orderBy("users.name")
    .execute();
  const documents = await db
    .selectFrom("documents")
    .select(["id", "title"])
    .where("networkId", "=", input.networkId)
    .where("visibility", "=", "network")
    .where("id", "!=", input.documentId)
    .orderBy("updatedAt", "desc")
    .limit(200)
    .execute();
  return {
    html: snapshot?.contentHtml ?? "",
    user: { id: user.id, name: user.name, color: colourFor(user.id) },
    mentionables: {
      members: members.map((member) => ({ id: member.id, label: member.name, detail: member.organisationName })),
      documents: documents.map((document) => ({ id: document.id, label: document.title })),
    },
  };
}
