import type { Executor } from "../../../db/client.ts";
import { recordAudit } from "./audit.server.ts";
import { spendPasswordCheck, verifyPassword } from "./password.server.ts";
import { formatRetryAfter, hitRateLimits, rateRules } from "./rate-limit.server.ts";
import { createSession } from "./sessions.server.ts";
import { findUserByEmail, normaliseEmail } from "./users.server.ts";

export const WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect.";

export type SignInResult =
  | { ok: true; token: string; userId: string }
  | { ok: false; message: string };

export interface SignInInput {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Checks the credentials with the same answer for an unknown e-mail, a wrong
 * password and a deactivated account, under per-IP and per-account limits.
 */
export async function signIn(db: Executor, input: SignInInput): Promise<SignInResult> {
  const email = normaliseEmail(input.email);
  const limit = await hitRateLimits(db, [
    [rateRules.signInPerIp, input.ip ?? "unknown"],
    [rateRules.signInPerAccount, email],
  ]);
  const user = await findUserByEmail(db, email);
  if (!limit.allowed) {
    await recordAudit(db, { action: "sign_in_throttled", subjectUserId: user?.id, ip: input.ip, detail: { email } });
    return {
      ok: false,
      message: `Trop de tentatives de connexion. Réessayez dans ${formatRetryAfter(limit.retryAfterSeconds)}.`,
    };
  }
  const passwordMatches = user ? await verifyPassword(user.passwordHash, input.password) : false;
  if (!user) await spendPasswordCheck(input.password);
  if (!user || !passwordMatches || user.deactivatedAt) {
    await recordAudit(db, {
      action: "sign_in_failed",
      subjectUserId: user?.id,
      ip: input.ip,
      detail: { email, reason: !user ? "unknown_email" : !passwordMatches ? "wrong_password" : "deactivated" },
    });
    return { ok: false, message: WRONG_CREDENTIALS };
  }
  const session = await createSession(db, { userId: user.id, ip: input.ip, userAgent: input.userAgent });
  await recordAudit(db, { action: "sign_in", actorUserId: user.id, subjectUserId: user.id, ip: input.ip });
  return { ok: true, token: session.token, userId: user.id };
}
