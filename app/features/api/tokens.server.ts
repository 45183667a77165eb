import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";
import { activeMembershipsJson, activeNetworksJson, type ActorNetwork } from "../auth/actor.server.ts";
import type { ActorMembership } from "../auth/permissions.ts";
import { rateWindow, relaxedCommit, type RateCheck, type RateRule } from "../auth/rate-limit.server.ts";
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

export interface AuthenticatedCall {
  tokenId: string;
  userId: string;
  memberships: ActorMembership[];
  /** The networks of those memberships: an API call about the caller's only network needs no look-up of it. */
  networks: ActorNetwork[];
  /** This call, counted against the token's budget (`rule`). */
  rate: RateCheck;
}

/**
 * What every API call needs first, in one round trip: the user a presented token belongs to (null for an unknown or
 * revoked token, or a deactivated account), the call counted against the token's budget, and the user's memberships.
 * The token's last use is noted at most once a minute.
 */
export async function authenticateApiCall(db: Executor, token: string, rule: RateRule, now = new Date()): Promise<AuthenticatedCall | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  // The counter's key is the rule's with the token's id, which only the database knows yet.
  const { key, windowStart, retryAfterSeconds } = rateWindow(rule, "", now);
  const { rows } = await sql<{ tokenId: string; userId: string; hits: number; memberships: ActorMembership[]; networks: ActorNetwork[] }>`
    with token as materialized (
      select t.id, t.user_id, t.last_used_at from api_tokens t join users u on u.id = t.user_id
      where t.token_hash = ${hashToken(token)} and t.revoked_at is null and u.deactivated_at is null
    ),
    used as (
      update api_tokens set last_used_at = ${now} from token
      where api_tokens.id = token.id and (token.last_used_at is null or token.last_used_at < ${new Date(now.getTime() - 60_000)})
    ),
    hit as (
      insert into rate_limits (key, window_start, hits) select ${key} || token.id::text, ${windowStart}, 1 from token where ${relaxedCommit(db)}
      on conflict (key, window_start) do update set hits = rate_limits.hits + 1
      returning hits
    )
    select token.id as token_id, token.user_id, (select hits from hit) as hits, ${activeMembershipsJson(sql`token.user_id`)} as memberships,
      ${activeNetworksJson(sql`token.user_id`)} as networks
    from token
  `.execute(db);
  const row = rows[0];
  if (!row) return null;
  return { tokenId: row.tokenId, userId: row.userId, memberships: row.memberships, networks: row.networks, rate: { allowed: row.hits <= rule.max, retryAfterSeconds } };
}
