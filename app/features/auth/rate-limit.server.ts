import { sql, type RawBuilder } from "kysely";
import type { Executor } from "../../../db/client.ts";

/**
 * Fixed-window counters kept in the database, so that every app process
 * sharing it enforces the same limit.
 */
export interface RateRule {
  /** Short name of the limited act, e.g. "sign_in". */
  name: string;
  max: number;
  windowSeconds: number;
}

export const rateRules = {
  signInPerIp: { name: "sign_in:ip", max: 30, windowSeconds: 15 * 60 },
  signInPerAccount: { name: "sign_in:account", max: 10, windowSeconds: 15 * 60 },
  resetPerIp: { name: "reset:ip", max: 10, windowSeconds: 60 * 60 },
  resetPerAccount: { name: "reset:account", max: 3, windowSeconds: 60 * 60 },
  invitePerIp: { name: "invite:ip", max: 60, windowSeconds: 60 * 60 },
  invitePerAccount: { name: "invite:account", max: 30, windowSeconds: 60 * 60 },
  apiPerToken: { name: "api:token", max: 300, windowSeconds: 60 },
} satisfies Record<string, RateRule>;

export interface RateCheck {
  allowed: boolean;
  retryAfterSeconds: number;
}

/** The window `now` falls in, the counter's key, and how long until the window ends. */
export function rateWindow(rule: RateRule, subject: string, now = new Date()): { key: string; windowStart: Date; retryAfterSeconds: number } {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  return {
    key: `${rule.name}:${subject.toLowerCase()}`,
    windowStart,
    retryAfterSeconds: Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000),
  };
}

/**
 * A condition that relaxes the commit of the statement it is part of: a lost counter (a crash within the WAL writer's
 * delay) only forgets a few hits, so its commit need not wait for the disk, which an API call paid on every request.
 * set_config(…, true) lasts until the end of the statement's own transaction; inside a caller's transaction it would
 * relax that transaction's commit too, so it is left out there.
 */
export function relaxedCommit(db: Executor): RawBuilder<unknown> {
  return db.isTransaction ? sql`true` : sql`(select set_config('synchronous_commit', 'off', true)) is not null`;
}

/** Counts one hit against `rule` for `subject`; refuses once the window's budget is spent. */
export async function hitRateLimit(db: Executor, rule: RateRule, subject: string, now = new Date()): Promise<RateCheck> {
  const { key, windowStart, retryAfterSeconds } = rateWindow(rule, subject, now);
  const { rows } = await sql<{ hits: number }>`
    insert into rate_limits (key, window_start, hits) select ${key}, ${windowStart}, 1 where ${relaxedCommit(db)}
    on conflict (key, window_start) do update set hits = rate_limits.hits + 1
    returning hits
  `.execute(db);
  return { allowed: rows[0]!.hits <= rule.max, retryAfterSeconds };
}

/** Checks several limits; every one is counted so that an attacker cannot dodge one by tripping another. */
export async function hitRateLimits(
  db: Executor,
  checks: Array<[RateRule, string]>,
  now = new Date(),
): Promise<RateCheck> {
  let result: RateCheck = { allowed: true, retryAfterSeconds: 0 };
  for (const [rule, subject] of checks) {
    const check = await hitRateLimit(db, rule, subject, now);
    if (!check.allowed) {
      result = { allowed: false, retryAfterSeconds: Math.max(result.retryAfterSeconds, check.retryAfterSeconds) };
    }
  }
  return result;
}

export async function purgeExpiredRateLimits(db: Executor, now = new Date()): Promise<void> {
  const dayAgo = new Date(now.getTime() - 24 * 3600 * 1000);
  await db.deleteFrom("rateLimits").where("windowStart", "<", dayAgo).execute();
}

export function formatRetryAfter(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}
