import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";
import { hashToken, newToken } from "../auth/tokens.server.ts";

/**
 * Personal API tokens: the secret is shown once at creation, only its SHA-256 is stored (like session and
 * invitation tokens), and a revoked token or a deactivated account opens nothing.
 */

const TOKEN_PREFIX = "tablee_";
export const MAX_TOKENS_PER_USER = 20;

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type CreateTokenResult = { ok: true; token: string; id: string } | { ok: false; message: string };

export async function createApiToken(db: Executor, input: { userId: string; name: string }): Promise<CreateTokenResult> {
  const active = await db
    .selectFrom("apiTokens")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("userId", "=", input.userId)
    .where("revokedAt", "is", null)
    .executeTakeFirstOrThrow();
  if (active.n >= MAX_TOKENS_PER_USER) {
    return { ok: false, message: `Vous avez déjà ${MAX_TOKENS_PER_USER} jetons actifs : révoquez-en un avant d'en créer un autre.` };
  }
  const token = `${TOKEN_PREFIX}${newToken()}`;
  const row = await db
    .insertInto("apiTokens")
    .values({ userId: input.userId, name: input.name.trim(), tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ok: true, token, id: row.id };
}

export async function listApiTokens(db: Executor, userId: string): Promise<ApiTokenView[]> {
  return db
    .selectFrom("apiTokens")
    .select(["id", "name", "prefix", "createdAt", "lastUsedAt"])
    .where("userId", "=", userId)
    .where("revokedAt", "is", null)
    .orderBy("createdAt", "desc")
    .execute();
}

/** Revokes one of the user's own tokens; false when there is no such active token. */
export async function revokeApiToken(db: Executor, input: { userId: string; tokenId: string }): Promise<boolean> {
  const result = await db
    .updateTable("apiTokens")
    .set({ revokedAt: new Date() })
    .where("id", "=", input.tokenId)
    .where("userId", "=", input.userId)
    .where("revokedAt", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The user a presented token belongs to, or null; notes when it was last used (at most once a minute). */
export async function authenticateApiToken(db: Executor, token: string, now = new Date()): Promise<{ userId: string; tokenId: string } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await db
    .selectFrom("apiTokens")
    .innerJoin("users", "users.id", "apiTokens.userId")
    .select(["apiTokens.id", "apiTokens.userId", "apiTokens.lastUsedAt"])
    .where("apiTokens.tokenHash", "=", hashToken(token))
    .where("apiTokens.revokedAt", "is", null)
    .where("users.deactivatedAt", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.updateTable("apiTokens").set({ lastUsedAt: now }).where("id", "=", row.id).execute();
  }
  return { userId: row.userId, tokenId: row.id };
}
