import type { Executor } from "../../../db/client.ts";
import type { DocumentKind, DocumentVisibility } from "../../../db/schema.ts";
import type { DocumentFacts } from "../auth/permissions.ts";

export interface DocumentRecord extends DocumentFacts {
  id: string;
  title: string;
  createdAt: Date;
  updatedAt: Date;
}

const columns = [
  "documents.id",
  "documents.networkId",
  "documents.kind",
  "documents.title",
  "documents.ownerOrganisationId",
  "documents.visibility",
  "documents.createdAt",
  "documents.updatedAt",
] as const;

export async function findDocument(db: Executor, documentId: string): Promise<DocumentRecord | undefined> {
  return db.selectFrom("documents").select(columns).where("id", "=", documentId).executeTakeFirst();
}

export async function createDocument(
  db: Executor,
  input: {
    networkId: string;
    kind: DocumentKind;
    title: string;
    ownerOrganisationId?: string | null;
    visibility?: DocumentVisibility;
    createdBy: string | null;
  },
): Promise<DocumentRecord> {
  return db
    .insertInto("documents")
    .values({
      networkId: input.networkId,
      kind: input.kind,
      title: input.title.trim(),
      ownerOrganisationId: input.ownerOrganisationId ?? null,
      visibility: input.visibility ?? "network",
      createdBy: input.createdBy,
    })
    .returning(["id", "networkId", "kind", "title", "ownerOrganisationId", "visibility", "createdAt", "updatedAt"])
    .executeTakeFirstOrThrow();
}

export async function renameDocument(db: Executor, documentId: string, title: string): Promise<void> {
  await db.updateTable("documents").set({ title: title.trim(), updatedAt: new Date() }).where("id", "=", documentId).execute();
}

export async function listNetworkDocuments(db: Executor, networkId: string, kind: DocumentKind) {
  return db
    .selectFrom("documents")
    .leftJoin("users", "users.id", "documents.createdBy")
    .select([...columns, "users.name as authorName"])
    .where("documents.networkId", "=", networkId)
    .where("documents.kind", "=", kind)
    .orderBy("documents.updatedAt", "desc")
    .execute();
}
