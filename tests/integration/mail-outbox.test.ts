import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadActor } from "../../app/features/auth/actor.server.ts";
import type { MailMessage, Mailer } from "../../app/features/mail/mailer.server.ts";
import { deliverDueMail, deliveryStatus, enqueueMail, retryFailedMail, startMailWorker, type OutboxMessage } from "../../app/features/mail/outbox.server.ts";
import { MAX_ATTEMPTS } from "../../app/features/mail/retry.ts";
import { changeMeetingStatus, findMeeting } from "../../app/features/roundtables/meetings.server.ts";
import { inTransaction, type DatabaseHandle, type DB } from "../../db/client.ts";
import { demoAccounts } from "../../db/seed/demo.ts";
import { backend, createTestDatabase } from "../support/database.ts";
import { demoEmail, ERMONT, FRANCONVILLE, loadDemoNetworks, orgId, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import { signedInClients } from "../support/http-client.ts";
import { openSameDatabase } from "../support/second-server.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/**
 * E-mails leave through the outbox (docs/decisions/013-mail-outbox.md): queued in the transaction of the change
 * that causes them, sent afterwards by a worker, retried with backoff, never twice, on both databases.
 */

/** A mailer that holds every message until `open()`, and refuses a recipient's messages a given number of times. */
class GatedMailer implements Mailer {
  readonly delivered: MailMessage[] = [];
  readonly refusals = new Map<string, number>();
  private release!: () => void;
  private gate = new Promise<void>((resolve) => (this.release = resolve));
  async send(message: MailMessage) {
    await this.gate;
    const left = this.refusals.get(message.to) ?? 0;
    if (left > 0) {
      this.refusals.set(message.to, left - 1);
      throw Object.assign(new Error("421 4.7.0 Service temporairement indisponible"), { responseCode: 421 });
    }
    this.delivered.push(message);
  }
  open() {
    this.release();
  }
}

const valParisisAccounts = demoAccounts.filter((account) => account.network === "val-parisis").map((account) => account.email).sort();

describe("closing the agenda", () => {
  let app: TestApp;
  let valParisis: DemoNetwork;
  const mailer = new GatedMailer();
  const as = signedInClients(() => app.url);
  const HOST = () => demoEmail("val-parisis", "director", FRANCONVILLE);
  const STAFF = () => demoEmail("val-parisis", "staff", ERMONT);

  beforeAll(async () => {
    app = await startTestApp({ mailer });
    ({ valParisis } = await loadDemoNetworks(app.database.db));
  });
  afterAll(async () => {
    mailer.open();
    await app?.close();
  });

  const db = () => app.database.db;
  const comingMeeting = () =>
    db().selectFrom("meetings").selectAll().where("hostOrganisationId", "=", orgId(valParisis, FRANCONVILLE)).where("startsAt", ">", new Date()).executeTakeFirstOrThrow();
  const meetingPath = (id: string) => `/reseaux/${valParisis.slug}/tables-rondes/${id}`;
  const convocationRows = (meetingId: string) =>
    db().selectFrom("mailOutbox").selectAll().where("kind", "=", "convocation").where("referenceId", "=", meetingId).orderBy("recipient").execute();

  it("answers at once, before any message is sent, with N convocations queued; the worker then sends each exactly once", async () => {
    const meeting = await comingMeeting();
    // The mail server holds the first message: the request must not wait for it.
    const closed = await (await as(HOST())).post(meetingPath(meeting.id), { intent: "status", status: "agenda_closed" });
    expect(visibleText(closed.text)).toContain(`Statut : Ordre du jour arrêté. Convocation en cours d'envoi à ${valParisisAccounts.length} membres.`);
    expect(mailer.delivered).toHaveLength(0);
    const queued = await convocationRows(meeting.id);
    expect(queued.map((row) => row.recipient)).toEqual(valParisisAccounts);
    expect(queued.every((row) => row.sentAt === null && row.subject.startsWith("Convocation : table ronde du"))).toBe(true);
    expect(queued[0]!.attachments[0]!.filename).toMatch(/^table-ronde-\d{4}-\d{2}-\d{2}\.ics$/);

    // The host follows the delivery on the meeting page; a member who does not manage the meeting does not see it.
    expect(visibleText((await (await as(HOST())).get(meetingPath(meeting.id))).text)).toMatch(/Convocation en cours d'envoi à \d+ membres/);
    expect(visibleText((await (await as(STAFF())).get(meetingPath(meeting.id))).text)).not.toContain("Convocation en cours d'envoi");

    mailer.open();
    await app.deliverMail();
    expect(mailer.delivered.map((message) => message.to).sort()).toEqual(valParisisAccounts);
    expect((await convocationRows(meeting.id)).every((row) => row.sentAt !== null && row.attempts === 1)).toBe(true);
    expect(visibleText((await (await as(HOST())).get(meetingPath(meeting.id))).text)).toContain(
      `remise à ${valParisisAccounts.length} membres.`,
    );
    // Nothing more goes out later: each message was marked sent once.
    await app.deliverMail();
    expect(mailer.delivered).toHaveLength(valParisisAccounts.length);
  });

  it("writes no convocation when the status change is rolled back, and no status change without its convocations", async () => {
    const reopened = await (await as(HOST())).post(meetingPath((await comingMeeting()).id), { intent: "status", status: "agenda_open" });
    expect(visibleText(reopened.text)).toContain("Statut : Ordre du jour ouvert.");
    const meeting = (await findMeeting(db(), (await comingMeeting()).id))!;
    const host = await db().selectFrom("users").select("id").where("email", "=", HOST()).executeTakeFirstOrThrow();
    const actor = await loadActor(db(), host.id);
    const network = await db().selectFrom("networks").selectAll().where("id", "=", valParisis.id).executeTakeFirstOrThrow();
    const before = (await convocationRows(meeting.id)).length;
    await expect(
      inTransaction(db(), async (tx) => {
        const outcome = await changeMeetingStatus(tx, { actor, meeting, status: "agenda_closed", convene: { network, baseUrl: "https://tablee.example" } });
        expect(outcome).toEqual({ ok: true, convened: valParisisAccounts.length });
        expect((await tx.selectFrom("mailOutbox").select("id").where("referenceId", "=", meeting.id).execute()).length).toBe(before + valParisisAccounts.length);
        throw new Error("panne au milieu de la transaction");
      }),
    ).rejects.toThrow("panne");
    expect((await comingMeeting()).status).toBe("agenda_open");
    expect(await convocationRows(meeting.id)).toHaveLength(before);
  });

  it("shows the host the convocations the mail server refused, and sends them again on request", async () => {
    const meeting = await comingMeeting();
    const refused = demoEmail("val-parisis", "elected", ERMONT);
    mailer.refusals.set(refused, 1);
    const sentBefore = mailer.delivered.length;
    await (await as(HOST())).post(meetingPath(meeting.id), { intent: "status", status: "agenda_closed" });
    await app.deliverMail();
    expect(mailer.delivered.length - sentBefore).toBe(valParisisAccounts.length - 1);
    // The refusal was temporary: the message is due again later, the page still says it is being sent.
    const row = (await convocationRows(meeting.id)).find((candidate) => candidate.recipient === refused && candidate.sentAt === null)!;
    expect(row).toMatchObject({ attempts: 1, failedAt: null, lastError: "421 4.7.0 Service temporairement indisponible" });
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(visibleText((await (await as(HOST())).get(meetingPath(meeting.id))).text)).toContain(
      `Convocation en cours d'envoi à 1 membre ; déjà remise à ${valParisisAccounts.length - 1} membres.`,
    );
    // Once every attempt has failed, the host reads which address never got it, and may send it again.
    await db().updateTable("mailOutbox").set({ failedAt: new Date(), attempts: MAX_ATTEMPTS }).where("id", "=", row.id).execute();
    const page = visibleText((await (await as(HOST())).get(meetingPath(meeting.id))).text);
    expect(page).toContain("1 convocation non remise : le serveur d'envoi ne l'a pas acceptée. Vérifiez cette adresse auprès de son CCAS, puis renvoyez");
    expect(page).toContain(refused);
    expect((await (await as(STAFF())).post(meetingPath(meeting.id), { intent: "retry-convocation" })).status).toBe(403);
    const retried = await (await as(HOST())).post(meetingPath(meeting.id), { intent: "retry-convocation" });
    expect(visibleText(retried.text)).toContain("Nouvel essai d'envoi de la convocation à 1 membre.");
    await app.deliverMail();
    expect(mailer.delivered.filter((message) => message.to === refused).length).toBe(2);
    expect(visibleText((await (await as(HOST())).get(meetingPath(meeting.id))).text)).toContain(`remise à ${valParisisAccounts.length} membres.`);
  });
});

describe("the delivery worker", () => {
  let database: DatabaseHandle;
  let db: DB;
  let counter = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Distinct messages of a kind no page reads, with a reference of their own. */
  function messages(count: number): OutboxMessage[] {
    const referenceId = crypto.randomUUID();
    return Array.from({ length: count }, () => {
      counter += 1;
      return { kind: "comment", referenceId, to: `membre-${counter}@ccas.example`, subject: `Message ${counter}`, text: "Bonjour" };
    });
  }

  class ScriptedMailer implements Mailer {
    readonly delivered: string[] = [];
    constructor(private readonly answer: (message: MailMessage) => Error | null = () => null) {}
    async send(message: MailMessage) {
      const error = this.answer(message);
      if (error) throw error;
      this.delivered.push(message.to);
    }
  }

  it("queues nothing when the transaction that queues is rolled back", async () => {
    const queued = messages(2);
    await expect(
      inTransaction(db, async (tx) => {
        await enqueueMail(tx, queued);
        throw new Error("annulé");
      }),
    ).rejects.toThrow("annulé");
    expect(await db.selectFrom("mailOutbox").select("id").where("referenceId", "=", queued[0]!.referenceId!).execute()).toEqual([]);
  });

  it("retries a refused message after the backoff, not before, and then delivers it once", async () => {
    const t0 = new Date("2030-05-06T08:00:00Z");
    const at = (ms: number) => () => new Date(t0.getTime() + ms);
    const [flaky, steady] = messages(2);
    await enqueueMail(db, [flaky!, steady!], t0);
    let refusals = 2;
    const mailer = new ScriptedMailer((message) =>
      message.to === flaky!.to && refusals-- > 0 ? Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:25"), { code: "ECONNREFUSED" }) : null,
    );
    const row = () => db.selectFrom("mailOutbox").selectAll().where("recipient", "=", flaky!.to).executeTakeFirstOrThrow();

    expect(await deliverDueMail(db, mailer, { now: at(0) })).toEqual({ sent: 1, retrying: 1, failed: 0 });
    expect(mailer.delivered).toEqual([steady!.to]);
    expect(await row()).toMatchObject({ attempts: 1, sentAt: null, lastError: "connect ECONNREFUSED 127.0.0.1:25", nextAttemptAt: new Date(t0.getTime() + 60_000) });
    // Not due yet 30 s later.
    expect(await deliverDueMail(db, mailer, { now: at(30_000) })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    // Due after a minute; refused again: the next wait is twice as long.
    expect(await deliverDueMail(db, mailer, { now: at(60_000) })).toEqual({ sent: 0, retrying: 1, failed: 0 });
    expect((await row()).nextAttemptAt).toEqual(new Date(t0.getTime() + 60_000 + 120_000));
    expect(await deliverDueMail(db, mailer, { now: at(120_000) })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(await deliverDueMail(db, mailer, { now: at(180_000) })).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(await row()).toMatchObject({ attempts: 3, sentAt: new Date(t0.getTime() + 180_000), lastError: null, failedAt: null });
    expect(await deliverDueMail(db, mailer, { now: at(3600_000) })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(mailer.delivered.sort()).toEqual([flaky!.to, steady!.to].sort());
  });

  it("gives a message up after the last attempt, or at once on a final refusal, and sends it again on request", async () => {
    const t0 = new Date("2030-06-01T08:00:00Z");
    const [unreachable, unknown] = messages(2);
    await enqueueMail(db, [unreachable!, unknown!], t0);
    let serverDown = true;
    const mailer = new ScriptedMailer((message) => {
      if (message.to === unknown!.to) return Object.assign(new Error("550 5.1.1 Adresse inconnue"), { responseCode: 550 });
      return serverDown ? new Error("connect ETIMEDOUT") : null;
    });
    const row = (to: string) => db.selectFrom("mailOutbox").selectAll().where("recipient", "=", to).executeTakeFirstOrThrow();
    let now = t0;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await deliverDueMail(db, mailer, { now: () => now });
      now = (await row(unreachable!.to)).nextAttemptAt;
    }
    expect(await row(unknown!.to)).toMatchObject({ attempts: 1, sentAt: null, lastError: "550 5.1.1 Adresse inconnue" });
    expect((await row(unknown!.to)).failedAt).not.toBeNull();
    expect(await row(unreachable!.to)).toMatchObject({ attempts: MAX_ATTEMPTS, sentAt: null, lastError: "connect ETIMEDOUT" });
    expect((await row(unreachable!.to)).failedAt).not.toBeNull();
    expect(await deliverDueMail(db, mailer, { now: () => new Date(t0.getTime() + 30 * 24 * 3600_000) })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(await deliveryStatus(db, "comment", unreachable!.referenceId!)).toMatchObject({ total: 2, sent: 0, pending: 0, failed: 2 });

    serverDown = false;
    expect(await retryFailedMail(db, "comment", unreachable!.referenceId!, now)).toBe(2);
    expect(await deliverDueMail(db, mailer, { now: () => now })).toEqual({ sent: 1, retrying: 0, failed: 1 });
    expect(mailer.delivered).toEqual([unreachable!.to]);
    expect(await deliveryStatus(db, "comment", unreachable!.referenceId!)).toMatchObject({ sent: 1, failed: 1, failedRecipients: [unknown!.to] });
  });

  it("sends each message once when two workers share the queue", async () => {
    // On PGlite both workers run in this one process over the single embedded session; on PostgreSQL each has its own pool.
    const other = await openSameDatabase(database);
    const slowMailer = () => {
      const delivered: string[] = [];
      return {
        delivered,
        async send(message: MailMessage) {
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
          delivered.push(message.to);
        },
      };
    };
    const [first, second] = [slowMailer(), slowMailer()];
    const workers = [
      startMailWorker({ db, mailer: first, listen: database.listen, pollMs: 200, log: () => {} }),
      startMailWorker({ db: other.db, mailer: second, listen: other.listen, pollMs: 200, log: () => {} }),
    ];
    try {
      const queued = messages(40);
      await enqueueMail(db, queued);
      const deadline = Date.now() + 20_000;
      while ((await deliveryStatus(db, "comment", queued[0]!.referenceId!))!.sent < queued.length) {
        if (Date.now() > deadline) throw new Error("Les e-mails n'ont pas tous été envoyés en 20 s.");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await Promise.all(workers.map((worker) => worker.drain()));
      const delivered = [...first.delivered, ...second.delivered];
      expect(delivered.sort()).toEqual(queued.map((message) => message.to).sort());
      expect(new Set(delivered).size).toBe(queued.length);
      // Both took part (woken together by the queue's NOTIFY).
      expect(first.delivered.length).toBeGreaterThan(0);
      expect(second.delivered.length).toBeGreaterThan(0);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      await other.close();
    }
  });

  it.skipIf(backend !== "postgres")("claims with SKIP LOCKED: a claim in progress elsewhere is passed over, not waited for", async () => {
    const other = await openSameDatabase(database);
    try {
      const [held, free] = messages(2);
      await enqueueMail(db, [held!, free!]);
      const mailer = new ScriptedMailer();
      await inTransaction(other.db, async (tx) => {
        // Another instance is in the middle of claiming the first message (its row is locked).
        await tx.selectFrom("mailOutbox").select("id").where("recipient", "=", held!.to).forUpdate().execute();
        const tally = await deliverDueMail(db, mailer);
        expect(tally.sent).toBeGreaterThanOrEqual(1);
        expect(mailer.delivered).toContain(free!.to);
        expect(mailer.delivered).not.toContain(held!.to);
      });
      await deliverDueMail(db, mailer);
      expect(mailer.delivered.filter((to) => to === held!.to)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
