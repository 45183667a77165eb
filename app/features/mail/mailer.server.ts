import nodemailer from "nodemailer";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Files sent with the message (a meeting's .ics with its convocation). */
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * Sends through SMTP_URL when set; without it, writes each message to the
 * server log so that a local install can still follow invitation and reset links.
 */
export function createMailer(options: { smtpUrl?: string; from: string; log?: (line: string) => void }): Mailer {
  const log = options.log ?? ((line: string) => console.log(line));
  if (!options.smtpUrl) {
    return {
      async send(message) {
        log(
          [
            "── e-mail (SMTP_URL non défini : message écrit dans le journal) ──",
            `À : ${message.to}`,
            `Objet : ${message.subject}`,
            "",
            message.text,
            ...(message.attachments ?? []).map((attachment) => `[pièce jointe : ${attachment.filename}]`),
            "──",
          ].join("\n"),
        );
      },
    };
  }
  // Bounded waits: a mail server that accepts the connection and then says nothing must not hold a message
  // (and, for invitations and password resets, the person waiting for the page) for nodemailer's default hour.
  // The outbox's claim on a message (CLAIM_LEASE_MS) is longer than all three together.
  const transport = nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
  return {
    async send(message) {
      await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        attachments: message.attachments,
      });
    },
  };
}

/**
 * Sends now, and reports failure instead of throwing: the caller tells the user what to do instead. For the
 * messages someone is waiting for on the page (invitation, password reset); everything else goes through the
 * outbox (outbox.server.ts, docs/decisions/013-mail-outbox.md).
 */
export async function trySend(mailer: Mailer, message: MailMessage): Promise<boolean> {
  try {
    await mailer.send(message);
    return true;
  } catch (error) {
    console.error(`Erreur : e-mail « ${message.subject} » non envoyé : ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
