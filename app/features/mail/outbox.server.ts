import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { DatabaseHandle, Executor } from "../../../db/client.ts";
import type { MailKind } from "../../../db/schema.ts";
import type { MailMessage, Mailer } from "./mailer.server.ts";
import { afterFailure, isPermanentFailure } from "./retry.ts";

/**
 * The mail outbox (docs/decisions/013-mail-outbox.md). A change that sends e-mail writes its messages here in
 * its own transaction: they exist if and only if the change does. The delivery worker of any instance then
 * claims due messages, sends them through the Mailer, and marks them sent, or due again later (retry.ts), or
 * given up with the last error. A claim is a lease: the row is skipped by other workers (`for update skip
 * locked` while claiming, `claimed_until` afterwards) until it is marked or the lease runs out (its worker died).
 */

export const OUTBOX_CHANNEL = "mail_outbox";
/** Longer than the mailer can spend on one message (mailer.server.ts's timeouts): a live claim never runs out. */
export const CLAIM_LEASE_MS = 10 * 60_000;
const ERROR_LENGTH = 500;

export interface OutboxMessage extends MailMessage {
  kind: MailKind;
  referenceId?: string | null;
}

/**
 * Queues messages in the caller's transaction, and wakes the workers when it commits (NOTIFY is delivered on
 * commit only: a rolled-back change wakes nobody). All rows of one call share their `created_at`: one batch.
 */
export async function enqueueMail(db: Executor, messages: OutboxMessage[], now = new Date()): Promise<number> {
  if (messages.length === 0) return 0;
  await db
    .insertInto("mailOutbox")
    .values(
      messages.map((message) => ({
        kind: message.kind,
        referenceId: message.referenceId ?? null,
        recipient: message.to,
        subject: message.subject,
        text: message.text,
        attachments: message.attachments ?? [],
        createdAt: now,
        nextAttemptAt: now,
      })),
    )
    .execute();
  await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(db);
  return messages.length;
}

/**
 * Takes back the messages of this kind and reference not yet sent (a meeting convened again replaces the
 * convocations still waiting with the new agenda). Messages being sent right now are left to finish.
 */
export async function withdrawUnsentMail(db: Executor, kind: MailKind, referenceId: string, now = new Date()): Promise<number> {
  const result = await db
    .deleteFrom("mailOutbox")
    .where("kind", "=", kind)
    .where("referenceId", "=", referenceId)
    .where("sentAt", "is", null)
    .where((eb) => eb.or([eb("claimedUntil", "is", null), eb("claimedUntil", "<=", now)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface ClaimedMail extends MailMessage {
  id: string;
  attempts: number;
  claimToken: string;
}

/**
 * Claims up to `limit` due messages for this worker, in one statement: rows another worker is claiming at the
 * same moment are skipped (SKIP LOCKED), rows it claimed earlier are excluded by their lease. The worker takes
 * one at a time: a message waits in the queue, where other instances (and a withdrawal) can reach it, rather
 * than in a busy worker's hands.
 */
export async function claimDueMail(db: Executor, options: { now: Date; limit?: number; leaseMs?: number }): Promise<ClaimedMail[]> {
  const { now } = options;
  const claimToken = randomUUID();
  const claimedUntil = new Date(now.getTime() + (options.leaseMs ?? CLAIM_LEASE_MS));
  const due = db
    .selectFrom("mailOutbox")
    .select("id")
    .where("sentAt", "is", null)
    .where("failedAt", "is", null)
    .where("nextAttemptAt", "<=", now)
    .where((eb) => eb.or([eb("claimedUntil", "is", null), eb("claimedUntil", "<=", now)]))
    .orderBy("nextAttemptAt")
    .orderBy("createdAt")
    .limit(options.limit ?? 1)
    .forUpdate()
    .skipLocked();
  const rows = await db
    .updateTable("mailOutbox")
    .set((eb) => ({ attempts: eb("attempts", "+", 1), claimedUntil, claimToken }))
    .where("id", "in", due)
    .returning(["id", "recipient", "subject", "text", "attachments", "attempts"])
    .execute();
  return rows.map((row) => ({
    id: row.id,
    to: row.recipient,
    subject: row.subject,
    text: row.text,
    attachments: row.attachments.length > 0 ? row.attachments : undefined,
    attempts: row.attempts,
    claimToken,
  }));
}

/** Marks a claimed message sent; false when its claim had run out and another worker took it over. */
export async function markSent(db: Executor, mail: ClaimedMail, now = new Date()): Promise<boolean> {
  const result = await db
    .updateTable("mailOutbox")
    .set({ sentAt: now, claimedUntil: null, lastError: null })
    .where("id", "=", mail.id)
    .where("claimToken", "=", mail.claimToken)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records a failed attempt: due again after the backoff, or given up with the error. */
export async function markFailed(db: Executor, mail: ClaimedMail, error: unknown, now = new Date()): Promise<"retrying" | "failed"> {
  const outcome = afterFailure(mail.attempts, now, { permanent: isPermanentFailure(error) });
  const lastError = describeError(error).slice(0, ERROR_LENGTH);
  await db
    .updateTable("mailOutbox")
    .set("giveUp" in outcome ? { failedAt: now, claimedUntil: null, lastError } : { nextAttemptAt: outcome.retryAt, claimedUntil: null, lastError })
    .where("id", "=", mail.id)
    .where("claimToken", "=", mail.claimToken)
    .execute();
  return "giveUp" in outcome ? "failed" : "retrying";
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface DeliveryTally {
  sent: number;
  retrying: number;
  failed: number;
}

/** One delivery pass: claims and sends due messages, one at a time, until none is due or `stopping()` says so. */
export async function deliverDueMail(
  db: Executor,
  mailer: Mailer,
  options: { now?: () => Date; stopping?: () => boolean; log?: (line: string) => void } = {},
): Promise<DeliveryTally> {
  const clock = options.now ?? (() => new Date());
  const tally: DeliveryTally = { sent: 0, retrying: 0, failed: 0 };
  while (!options.stopping?.()) {
    const [mail] = await claimDueMail(db, { now: clock() });
    if (!mail) break;
    try {
      await mailer.send({ to: mail.to, subject: mail.subject, text: mail.text, attachments: mail.attachments });
    } catch (error) {
      const outcome = await markFailed(db, mail, error, clock());
      tally[outcome] += 1;
      options.log?.(
        `E-mail « ${mail.subject} » à ${mail.to} non remis (essai ${mail.attempts}) : ${describeError(error)}${outcome === "failed" ? " — abandonné." : " — nouvel essai plus tard."}`,
      );
      continue;
    }
    if (await markSent(db, mail, clock())) tally.sent += 1;
    else options.log?.(`E-mail « ${mail.subject} » à ${mail.to} envoyé après la fin de sa réservation : il a pu partir deux fois.`);
  }
  return tally;
}

/** When the next message not yet sent becomes due (now, for one whose claim ran out), or null if none waits. */
export async function nextDueAt(db: Executor): Promise<Date | null> {
  const row = await db
    .selectFrom("mailOutbox")
    .select(sql<Date | null>`min(greatest(next_attempt_at, coalesce(claimed_until, next_attempt_at)))`.as("due"))
    .where("sentAt", "is", null)
    .where("failedAt", "is", null)
    .executeTakeFirstOrThrow();
  return row.due ? new Date(row.due) : null;
}

export interface MailWorker {
  /** Looks for due messages now (also done on every NOTIFY of the outbox channel and on each poll). */
  nudge(): void;
  /** Resolves once every message due now has been tried (tests; the admin command). */
  drain(): Promise<void>;
  /** Stops claiming; waits up to `deadlineMs` for the message being sent (left claimed if it takes longer: due again once its lease runs out). */
  stop(deadlineMs?: number): Promise<void>;
}

/**
 * The delivery worker of one instance. It runs a pass when nudged (the outbox's NOTIFY, from this instance or
 * another one), when the next retry falls due, and at the latest every `pollMs`, which also covers a lost
 * listening connection. Several workers on one database never send one message twice (see claimDueMail).
 */
export function startMailWorker(options: {
  db: Executor;
  mailer: Mailer;
  listen?: DatabaseHandle["listen"];
  pollMs: number;
  log: (line: string) => void;
}): MailWorker {
  const { db, mailer, log } = options;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let unlisten: (() => Promise<void>) | null = null;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(nudge, Math.max(0, Math.min(delayMs, options.pollMs)));
    timer.unref();
  };

  async function pass(): Promise<void> {
    try {
      do {
        again = false;
        await deliverDueMail(db, mailer, { stopping: () => stopped, log });
      } while (again && !stopped);
      const due = await nextDueAt(db);
      schedule(due ? due.getTime() - Date.now() : options.pollMs);
    } catch (error) {
      // The database is unreachable, or the process is closing it: try again at the next poll.
      if (!stopped) log(`Envoi des e-mails en attente impossible pour l'instant : ${describeError(error)}`);
      schedule(options.pollMs);
    }
  }

  function nudge(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass().finally(() => {
      running = null;
    });
  }

  if (options.listen) {
    options
      .listen(OUTBOX_CHANNEL, nudge)
      .then((stop) => {
        if (stopped) void stop().catch(() => {});
        else unlisten = stop;
      })
      .catch((error) => log(`Écoute de la file des e-mails impossible (relève toutes les ${Math.round(options.pollMs / 1000)} s) : ${describeError(error)}`));
  }
  nudge();

  return {
    nudge,
    async drain() {
      while (running) await running;
      running = pass().finally(() => {
        running = null;
      });
      await running;
    },
    async stop(deadlineMs = 5_000) {
      stopped = true;
      if (timer) clearTimeout(timer);
      const stopListening = unlisten?.().catch(() => {});
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([running, stopListening]),
        new Promise<void>((resolve) => {
          deadline = setTimeout(resolve, deadlineMs);
          deadline.unref();
        }),
      ]);
      clearTimeout(deadline);
    },
  };
}

export interface DeliveryStatus {
  /** When the latest batch was queued. */
  queuedAt: Date;
  total: number;
  sent: number;
  pending: number;
  failed: number;
  failedRecipients: string[];
}

/** How the latest batch of this kind and reference is going (a meeting's convocation), or null if none was queued. */
export async function deliveryStatus(db: Executor, kind: MailKind, referenceId: string): Promise<DeliveryStatus | null> {
  const rows = await db
    .selectFrom("mailOutbox")
    .select(["recipient", "sentAt", "failedAt", "createdAt"])
    .where("kind", "=", kind)
    .where("referenceId", "=", referenceId)
    .where("createdAt", "=", (eb) =>
      eb.selectFrom("mailOutbox").select((inner) => inner.fn.max("createdAt").as("latest")).where("kind", "=", kind).where("referenceId", "=", referenceId),
    )
    .orderBy("recipient")
    .execute();
  if (rows.length === 0) return null;
  const failed = rows.filter((row) => row.failedAt !== null);
  const sent = rows.filter((row) => row.sentAt !== null).length;
  return {
    queuedAt: rows[0]!.createdAt,
    total: rows.length,
    sent,
    failed: failed.length,
    pending: rows.length - sent - failed.length,
    failedRecipients: failed.map((row) => row.recipient),
  };
}

/** Puts the given-up messages of this kind and reference back in the queue, due now, with a fresh count of attempts. */
export async function retryFailedMail(db: Executor, kind: MailKind, referenceId: string, now = new Date()): Promise<number> {
  const result = await db
    .updateTable("mailOutbox")
    .set({ failedAt: null, attempts: 0, nextAttemptAt: now })
    .where("kind", "=", kind)
    .where("referenceId", "=", referenceId)
    .where("failedAt", "is not", null)
    .executeTakeFirst();
  const count = Number(result.numUpdatedRows);
  if (count > 0) await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(db);
  return count;
}

/** Forgets messages sent or given up before `before` (the hourly housekeeping keeps 90 days). */
export async function purgeFinishedMail(db: Executor, before: Date): Promise<number> {
  const result = await db
    .deleteFrom("mailOutbox")
    .where((eb) => eb.or([eb("sentAt", "<", before), eb("failedAt", "<", before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
