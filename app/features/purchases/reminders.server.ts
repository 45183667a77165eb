import { DateTime } from "luxon";
import { sql } from "kysely";
import { inTransaction, type Executor } from "../../../db/client.ts";
import { enqueueMail } from "../mail/outbox.server.ts";
import { formatEuros } from "./money.ts";

/**
 * Renewal reminders: 60 days before a convention renews, its parties'
 * directors get one e-mail. The job may run on every app instance: the row
 * in `convention_reminders` is written in the same transaction as the
 * messages queued in the outbox, and its primary key lets only one instance
 * write it. The outbox's worker sends them, and retries what fails.
 */
export const REMINDER_DAYS_BEFORE = 60;

export async function queueRenewalReminders(db: Executor, input: { today: string; baseUrl: string }): Promise<number> {
  const horizon = DateTime.fromISO(input.today).plus({ days: REMINDER_DAYS_BEFORE }).toISODate()!;
  const due = await db
    .selectFrom("conventions")
    .innerJoin("networks", "networks.id", "conventions.networkId")
    .leftJoin("conventionReminders", (join) => join.onRef("conventionReminders.conventionId", "=", "conventions.id").onRef("conventionReminders.renewsOn", "=", "conventions.renewsOn"))
    .where("conventionReminders.conventionId", "is", null)
    .where(sql<boolean>`conventions.renews_on between ${input.today}::date and ${horizon}::date`)
    .select(["conventions.id", "conventions.title", "conventions.yearlyCostCents", sql<string>`conventions.renews_on::text`.as("renewsOn"), "networks.slug"])
    .execute();
  let queued = 0;
  for (const convention of due) {
    const done = await inTransaction(db, async (tx) => {
      const claimed = await tx
        .insertInto("conventionReminders")
        .values({ conventionId: convention.id, renewsOn: convention.renewsOn, recipients: 0 })
        .onConflict((conflict) => conflict.doNothing())
        .returning("conventionId")
        .executeTakeFirst();
      if (!claimed) return false;
      const directors = await tx
        .selectFrom("conventionParties")
        .innerJoin("memberships", "memberships.organisationId", "conventionParties.organisationId")
        .innerJoin("users", "users.id", "memberships.userId")
        .innerJoin("organisations", "organisations.id", "conventionParties.organisationId")
        .where("conventionParties.conventionId", "=", convention.id)
        // A coordinator attached to a party CCAS is usually its director (Villerupt in Pays-Haut).
        .where("memberships.role", "in", ["director", "coordinator"])
        .where("memberships.deactivatedAt", "is", null)
        .where("users.deactivatedAt", "is", null)
        .select(["users.email", "users.name", "organisations.name as organisationName"])
        .execute();
      const renewal = DateTime.fromISO(convention.renewsOn).setLocale("fr").toFormat("d LLLL yyyy");
      await enqueueMail(
        tx,
        directors.map((director) => ({
          kind: "renewal_reminder" as const,
          referenceId: convention.id,
          to: director.email,
          subject: `Convention « ${convention.title} » : renouvellement le ${renewal}`,
          text: [
            `Bonjour ${director.name},`,
            "",
            `La convention « ${convention.title} », à laquelle le ${director.organisationName} est partie, arrive à renouvellement le ${renewal} (coût annuel ${formatEuros(Number(convention.yearlyCostCents))}).`,
            "Pensez à inscrire son renouvellement à l'ordre du jour de votre conseil d'administration.",
            "",
            `${input.baseUrl}/reseaux/${convention.slug}/conventions/${convention.id}`,
          ].join("\n"),
        })),
      );
      await tx.updateTable("conventionReminders").set({ recipients: directors.length }).where("conventionId", "=", convention.id).where("renewsOn", "=", convention.renewsOn).execute();
      return true;
    });
    if (done) queued += 1;
  }
  return queued;
}
