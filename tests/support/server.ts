import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../app/config.server.ts";
import type { MailMessage, Mailer } from "../../app/features/mail/mailer.server.ts";
import type { DatabaseHandle } from "../../db/client.ts";
import { startServer, type RunningServer, type StartOptions } from "../../server.ts";
import { createTestDatabase } from "./database.ts";

export class MailBox implements Mailer {
  readonly messages: MailMessage[] = [];
  async send(message: MailMessage) {
    this.messages.push(message);
  }
  /** The last link to this address whose path starts with `prefix`. */
  lastLink(to: string, prefix: string): string {
    for (const message of [...this.messages].reverse()) {
      if (message.to !== to) continue;
      const match = message.text.match(new RegExp(`https?://\\S+${prefix}\\S+`));
      if (match) return match[0];
    }
    throw new Error(`Aucun lien ${prefix} envoyé à ${to}`);
  }
}

export interface TestApp {
  server: RunningServer;
  database: DatabaseHandle;
  mailbox: MailBox;
  url: string;
  uploadDir: string;
  /** Waits until the app's mail worker has tried every message due now (e-mails leave through the outbox). */
  deliverMail(): Promise<void>;
  close(): Promise<void>;
}

/** The real app (production build, real database copy) on a free port. */
export async function startTestApp(
  options: {
    mailer?: Mailer;
    env?: Record<string, string>;
    /** Let the app build its own mailer from the configuration (SMTP_URL), as in production. */
    configuredMailer?: boolean;
    /** Compaction and release timings of co-edited documents. */
    realtime?: StartOptions["realtime"];
    /** Hourly housekeeping and renewal reminders: off unless a test wants them (they change tables in the background). */
    scheduledJobs?: boolean;
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const mailbox = new MailBox();
  // Each app gets its own upload folder: attachments written by one test file never meet another's.
  const uploadDir = mkdtempSync(path.join(tmpdir(), "tablee-test-uploads-"));
  const config = loadConfig({
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
    DATA_DIR: "/tmp/tablee-test-unused",
    TABLEE_DEMO: "0",
    LOG_LEVEL: "silent",
    UPLOAD_DIR: uploadDir,
    ...options.env,
  });
  const server = await startServer({
    config,
    database,
    mailer: options.configuredMailer ? undefined : (options.mailer ?? mailbox),
    port: 0,
    log: () => {},
    realtime: options.realtime,
    scheduledJobs: options.scheduledJobs ?? false,
  });
  return {
    server,
    database,
    mailbox,
    url: server.url,
    uploadDir: config.uploadDir,
    deliverMail: () => server.mail.drain(),
    async close() {
      await server.close();
      await database.close();
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}
