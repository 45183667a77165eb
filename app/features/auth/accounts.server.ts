import { inTransaction, type Executor } from "../../../db/client.ts";
import type { Role } from "../../../db/schema.ts";
import { recordAudit } from "./audit.server.ts";
import { revokeAllSessions } from "./sessions.server.ts";
import { createUser, findUserByEmail, setPassword } from "./users.server.ts";

/** Account operations for the administrator's command line; no permission check: shell access is the permission. */

export async function addMember(
  db: Executor,
  input: { email: string; name: string; password: string; organisationId: string; role: Role; jobTitle?: string | null; phone?: string | null },
): Promise<{ userId: string }> {
  return inTransaction(db, async (tx) => {
    const user = (await findUserByEmail(tx, input.email)) ?? (await createUser(tx, input));
    await tx
      .insertInto("memberships")
      .values({ userId: user.id, organisationId: input.organisationId, role: input.role })
      .onConflict((oc) => oc.columns(["userId", "organisationId"]).doUpdateSet({ role: input.role, deactivatedAt: null }))
      .execute();
    return { userId: user.id };
  });
}

export async function resetPasswordByAdmin(db: Executor, email: string, password: string): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (!user) return false;
    await setPassword(tx, user.id, password);
    await revokeAllSessions(tx, user.id);
    await recordAudit(tx, { action: "password_reset_completed", subjectUserId: user.id, detail: { by: "admin-cli" } });
    return true;
  });
}

export async function deactivateAccount(db: Executor, email: string, now = new Date()): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (!user) return false;
    await tx.updateTable("users").set({ deactivatedAt: now, updatedAt: now }).where("id", "=", user.id).execute();
    await revokeAllSessions(tx, user.id);
    await recordAudit(tx, { action: "account_deactivated", subjectUserId: user.id, detail: { by: "admin-cli" } });
    return true;
  });
}
