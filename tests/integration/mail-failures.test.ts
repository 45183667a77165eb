import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailMessage, Mailer } from "../../app/features/mail/mailer.server.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/** A mail server that is down: every message fails, as when SMTP_URL points at nothing. */
class BrokenMailer implements Mailer {
  attempts: MailMessage[] = [];
  async send(message: MailMessage) {
    this.attempts.push(message);
    throw new Error("connect ECONNREFUSED 127.0.0.1:25");
  }
}

let app: TestApp;
const mailer = new BrokenMailer();
const slug = "tables-rondes-inter-ccas-du-val-parisis";

beforeAll(async () => {
  app = await startTestApp({ mailer });
});
afterAll(async () => {
  await app?.close();
});

describe("when e-mail cannot be sent", () => {
  it("tells the person asking for a new password to try again later, in French, without a 500", async () => {
    const response = await new HttpClient(app.url).post("/mot-de-passe-oublie", { email: "agent@ccas-ermont.demo.tablee.fr" });
    expect(response.status).toBe(200);
    expect(response.text).toContain("Le service d&#x27;envoi d&#x27;e-mails ne répond pas");
    expect(mailer.attempts.at(-1)?.to).toBe("agent@ccas-ermont.demo.tablee.fr");
  });

  it("still creates the invitation and gives the inviter the link to pass on", async () => {
    const coordinator = new HttpClient(app.url);
    await coordinator.signIn("coordination@valparisis.demo.tablee.fr");
    const organisation = await app.database.db.selectFrom("organisations").select("id").where("inseeCode", "=", "95582").executeTakeFirstOrThrow();
    const response = await coordinator.post(`/reseaux/${slug}/membres`, {
      email: "nouvelle.directrice@sannois.example",
      organisationId: organisation.id,
      role: "director",
    });
    expect(response.status).toBe(200);
    expect(response.text).toContain("l&#x27;e-mail n&#x27;a pas pu");
    const link = /http:\/\/127\.0\.0\.1:\d+\/invitation\/[\w-]+/.exec(response.text)?.[0];
    expect(link).toBeDefined();
    const page = await new HttpClient(app.url).get(new URL(link!).pathname);
    expect(page.text).toContain("Créez votre compte");
  });
});

describe("password reset links", () => {
  it("dies together: once one link has set a new password, older ones no longer work", async () => {
    const mailbox = await startTestApp();
    try {
      const email = "elue@ccas-taverny.demo.tablee.fr";
      const client = new HttpClient(mailbox.url);
      await client.post("/mot-de-passe-oublie", { email });
      const first = new URL(mailbox.mailbox.lastLink(email, "/reinitialisation/")).pathname;
      await client.post("/mot-de-passe-oublie", { email });
      const second = new URL(mailbox.mailbox.lastLink(email, "/reinitialisation/")).pathname;
      expect(first).not.toBe(second);
      const used = await client.post(second, { password: "une nouvelle phrase de passe", confirmPassword: "une nouvelle phrase de passe" });
      expect(used.status).toBe(302);
      const stale = await client.get(first);
      expect(stale.text).toContain("Ce lien n&#x27;est plus valable");
    } finally {
      await mailbox.close();
    }
  });
});
