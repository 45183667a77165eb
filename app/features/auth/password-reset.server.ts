import { inTransaction, type Executor } from "../../../db/client.ts";
import { trySend, type Mailer } from "../mail/mailer.server.ts";
import { recordAudit } from "./audit.server.ts";
import { formatRetryAfter, hitRateLimits, rateRules } from "./rate-limit.server.ts";
import { revokeAllSessions } from "./sessions.server.ts";
import { hashToken, newToken } from "./tokens.server.ts";
import { findUserByEmail, normaliseEmail, setPassword } from "./users.server.ts";

const RESET_MS = 3600 * 1000;
export const MAIL_UNAVAILABLE = "Le service d'envoi d'e-mails ne répond pas. Réessayez dans quelques minutes.";

export type ResetRequestResult = { ok: true } | { ok: false; message: string };

/**
 * Sends a single-use link valid one hour. The answer is the same whether or
 * not the address has an account, so the form does not reveal who is registered.
 */
export async function requestPasswordReset(
  db: Executor,
  mailer: Mailer,
  input: { email: string; ip: string | null; baseUrl: string },
  now = new Date(),
): Promise<ResetRequestResult> {
  const email = normaliseEmail(input.email);
  const limit = await hitRateLimits(db, [
    [rateRules.resetPerIp, input.ip ?? "unknown"],
    [rateRules.resetPerAccount, email],
  ]);
  if (!limit.allowed) {
    return { ok: false, message: `Trop de demandes. Réessayez dans ${formatRetryAfter(limit.retryAfterSeconds)}.` };
  }
  const user = await findUserByEmail(db, email);
  if (!user || user.deactivatedAt) return { ok: true };
  const token = newToken();
  await db
    .insertInto("passwordResets")
    .values({ tokenHash: hashToken(token), userId: user.id, expiresAt: new Date(now.getTime() + RESET_MS) })
    .execute();
  await recordAudit(db, { action: "password_reset_requested", subjectUserId: user.id, ip: input.ip });
  const sent = await trySend(mailer, {
    to: user.email,
    subject: "Tablée — réinitialiser votre mot de passe",
    text: [
      `Bonjour ${user.name},`,
      "",
      "Vous avez demandé à choisir un nouveau mot de passe pour Tablée. Ouvrez ce lien dans l'heure :",
      `${input.baseUrl}/reinitialisation/${token}`,
      "",
      "Le lien ne sert qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.",
    ].join("\n"),
  });
  if (!sent) return { ok: false, message: MAIL_UNAVAILABLE };
  return { ok: true };
}

export async function findUsableReset(db: Executor, token: string, now = new Date()) {
  return db
    .selectFrom("passwordResets")
    .innerJoin("users", "users.id", "passwordResets.userId")
    .where("passwordResets.tokenHash", "=", hashToken(token))
    .where("passwordResets.usedAt", "is", null)
    .where("passwordResets.expiresAt", ">", now)
    .where("users.deactivatedAt", "is", null)
    .select(["passwordResets.tokenHash", "users.id as userId", "users.email"])
    .executeTakeFirst();
}

/** Sets the new password, spends the link and ends every session of the account, all or nothing. */
export async function completePasswordReset(
  db: Executor,
  input: { token: string; password: string; ip: string | null },
  now = new Date(),
): Promise<{ ok: true; userId: string } | { ok: false }> {
  return inTransaction(db, async (tx) => {
    const reset = await findUsableReset(tx, input.token, now);
    if (!reset) return { ok: false as const };
    const spent = await tx
      .updateTable("passwordResets")
      .set({ usedAt: now })
      .where("tokenHash", "=", reset.tokenHash)
      .where("usedAt", "is", null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) return { ok: false as const };
    // Any other link sent earlier dies with this one: only the newest request could be the user's.
    await tx.updateTable("passwordResets").set({ usedAt: now }).where("userId", "=", reset.userId).where("usedAt", "is", null).execute();
    await setPassword(tx, reset.userId, input.password);
    await revokeAllSessions(tx, reset.userId);
    await recordAudit(tx, { action: "password_reset_completed", subjectUserId: reset.userId, ip: input.ip });
    return { ok: true as const, userId: reset.userId };
  });
}
