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
  const transport = nodemailer.createTransport(options.smtpUrl);
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

/** Sends, and reports failure instead of throwing: the caller tells the user what to do instead. */
export async function trySend(mailer: Mailer, message: MailMessage): Promise<boolean> {
  try {
    await mailer.send(message);
    return true;
  } catch (error) {
    console.error(`Erreur : e-mail « ${message.subject} » non envoyé : ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
