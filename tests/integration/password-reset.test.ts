import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WRONG_CREDENTIALS } from "../../app/features/auth/sign-in.server.ts";
import { hashToken } from "../../app/features/auth/tokens.server.ts";
import { DEMO_PASSWORD } from "../../db/seed/demo.ts";
import { auditRows, decodeHtml, demoEmail, fieldError, loadDemoNetworks, sessionCount, visibleText } from "../support/fixtures.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";
import { startSmtpServer } from "../support/smtp.ts";

let app: TestApp;
let networkPath: string;

beforeAll(async () => {
  app = await startTestApp();
  networkPath = `/reseaux/${(await loadDemoNetworks(app.database.db)).valParisis.slug}`;
});
afterAll(async () => {
  await app?.close();
});

const EXPIRED = "Ce lien n'est plus valable : il a déjà servi ou a expiré (il vaut une heure). Demandez-en un nouveau.";

function requestReset(email: string) {
  return new HttpClient(app.url).post("/mot-de-passe-oublie", { email });
}

function pathOf(link: string): string {
  return new URL(link).pathname;
}

/** Ages a reset link by `minutes`, as if that much time had passed since it was sent. */
async function age(link: string, minutes: number) {
  await app.database.db
    .updateTable("passwordResets")
    .set({ expiresAt: sql`expires_at - make_interval(mins => ${minutes})` })
    .where("tokenHash", "=", hashToken(pathOf(link).split("/").pop()!))
    .execute();
}

async function canSignIn(email: string, password: string): Promise<boolean> {
  const response = await new HttpClient(app.url).signIn(email, password);
  if (response.status === 200) expect(decodeHtml(response.text)).toContain(WRONG_CREDENTIALS);
  return response.status === 302;
}

describe("asking for a link", () => {
  it("gives the same answer for an unknown address and sends nothing to it", async () => {
    const known = demoEmail("val-parisis", "staff", "95252");
    const unknown = "personne@mairie-inconnue.fr";
    const before = app.mailbox.messages.length;
    const answers = [await requestReset(known), await requestReset(unknown)];
    for (const answer of answers) expect(answer.status).toBe(200);
    const [knownText, unknownText] = answers.map((answer, i) => visibleText(answer.text).replaceAll(i === 0 ? known : unknown, "<adresse>"));
    expect(knownText).toBe(unknownText);
    expect(knownText).toContain("Si un compte existe pour <adresse>, un e-mail vient de lui être envoyé");
    const sent = app.mailbox.messages.slice(before);
    expect(sent.map((message) => message.to)).toEqual([known]);
    expect(sent[0]!.text).toMatch(new RegExp(`${app.url}/reinitialisation/[A-Za-z0-9_-]{40,}`));
  });

  it("sends nothing to a deactivated account, with the same answer", async () => {
    const email = demoEmail("val-parisis", "elected", "95252");
    await app.database.db.updateTable("users").set({ deactivatedAt: new Date() }).where("email", "=", email).execute();
    const before = app.mailbox.messages.length;
    const answer = await requestReset(email);
    expect(visibleText(answer.text)).toContain(`Si un compte existe pour ${email}`);
    expect(app.mailbox.messages.length).toBe(before);
  });

  it("refuses a malformed address next to the field", async () => {
    const answer = await requestReset("pas-une-adresse");
    expect(answer.status).toBe(200);
    expect(fieldError(answer.text, "email")).toBe("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@mairie.fr).");
  });

  it("limits requests for one address to 3 an hour", async () => {
    const email = "curieux@exemple.fr";
    for (let i = 0; i < 3; i++) expect(visibleText((await requestReset(email)).text)).toContain("Si un compte existe");
    const fourth = visibleText((await requestReset(email)).text);
    expect(fourth).toMatch(/Trop de demandes\. Réessayez dans \d+ minutes?\./);
    expect(fourth).not.toContain("Si un compte existe");
  });
});

describe("using the link", () => {
  const email = demoEmail("val-parisis", "director", "95219");
  const newPassword = "nouvelle phrase de passe 2026";
  let link: string;
  let laptop: HttpClient;
  let phone: HttpClient;

  beforeAll(async () => {
    laptop = new HttpClient(app.url);
    phone = new HttpClient(app.url);
    await laptop.signIn(email);
    await phone.signIn(email);
    await requestReset(email);
    link = app.mailbox.lastLink(email, "/reinitialisation/");
  });

  it("opens a form for the account", async () => {
    const page = await new HttpClient(app.url).get(pathOf(link));
    expect(page.status).toBe(200);
    const text = visibleText(page.text);
    expect(text).toContain(`Compte : ${email}`);
    expect(text).not.toContain(EXPIRED);
  });

  it("refuses a short password or a mismatch without spending the link", async () => {
    const visitor = new HttpClient(app.url);
    const short = await visitor.post(pathOf(link), { password: "court", confirmPassword: "court" });
    expect(fieldError(short.text, "password")).toMatch(/^Le mot de passe doit faire au moins \d+ caractères\.$/);
    const mismatch = await visitor.post(pathOf(link), { password: newPassword, confirmPassword: `${newPassword}!` });
    expect(fieldError(mismatch.text, "confirmPassword")).toBe("Les deux mots de passe ne sont pas identiques.");
    expect(mismatch.text).not.toContain(newPassword);
    expect(visibleText((await visitor.get(pathOf(link))).text)).toContain(`Compte : ${email}`);
  });

  it("sets the new password and ends every session of the account", async () => {
    expect(await sessionCount(app.database.db, email)).toBe(2);
    expect((await laptop.get(networkPath)).status).toBe(200);

    const done = await new HttpClient(app.url).post(pathOf(link), { password: newPassword, confirmPassword: newPassword });
    expect(done.status).toBe(302);
    expect(done.location).toBe("/connexion?message=reinitialise");

    expect(await sessionCount(app.database.db, email)).toBe(0);
    for (const device of [laptop, phone]) {
      const page = await device.get(networkPath);
      expect(page.status).toBe(302);
      expect(page.location).toMatch(/^\/connexion\?redirectTo=/);
    }
    expect(await canSignIn(email, DEMO_PASSWORD)).toBe(false);
    expect(await canSignIn(email, newPassword)).toBe(true);
    expect((await auditRows(app.database.db, "password_reset_completed")).length).toBeGreaterThan(0);
  });

  it("works only once", async () => {
    const again = new HttpClient(app.url);
    expect(visibleText((await again.get(pathOf(link))).text)).toContain(EXPIRED);
    const reuse = await again.post(pathOf(link), { password: "encore un autre mot de passe", confirmPassword: "encore un autre mot de passe" });
    expect(reuse.status).toBe(200);
    expect(decodeHtml(reuse.text)).toContain(EXPIRED);
    expect(await canSignIn(email, "encore un autre mot de passe")).toBe(false);
    expect(await canSignIn(email, newPassword)).toBe(true);
  });
});

describe("expiry after one hour", () => {
  it("still works at 59 minutes and no longer at 61", async () => {
    const email = demoEmail("val-parisis", "staff", "95607");
    await requestReset(email);
    const link = app.mailbox.lastLink(email, "/reinitialisation/");

    await age(link, 59);
    expect(visibleText((await new HttpClient(app.url).get(pathOf(link))).text)).toContain(`Compte : ${email}`);

    await age(link, 2);
    expect(visibleText((await new HttpClient(app.url).get(pathOf(link))).text)).toContain(EXPIRED);
    const late = await new HttpClient(app.url).post(pathOf(link), { password: "trop tard pour changer", confirmPassword: "trop tard pour changer" });
    expect(decodeHtml(late.text)).toContain(EXPIRED);
    expect(await canSignIn(email, DEMO_PASSWORD)).toBe(true);
  });
});

describe("through a real SMTP server", () => {
  it("delivers the reset e-mail with a working link built on PUBLIC_URL", async () => {
    const smtp = await startSmtpServer();
    const publicUrl = "https://tablee.example.fr";
    const smtpApp = await startTestApp({ configuredMailer: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: publicUrl } });
    try {
      const email = demoEmail("val-parisis", "elected", "95607");
      // PUBLIC_URL is also an accepted origin for forms.
      const answer = await new HttpClient(smtpApp.url).post("/mot-de-passe-oublie", { email }, { origin: publicUrl });
      expect(answer.status).toBe(200);
      expect(visibleText(answer.text)).toContain(`Si un compte existe pour ${email}`);

      expect(smtp.received).toHaveLength(1);
      const [mail] = smtp.received;
      expect(mail!.to).toEqual([email]);
      expect(mail!.from).toBe("no-reply@tablee.local");
      expect(mail!.subject).toBe("Tablée — réinitialiser votre mot de passe");
      expect(mail!.text).toContain("Bonjour Nadia Lefèvre,");
      const link = mail!.text.match(/https:\/\/tablee\.example\.fr\/reinitialisation\/[A-Za-z0-9_-]+/)?.[0];
      expect(link).toBeDefined();

      const page = await new HttpClient(smtpApp.url).get(pathOf(link!));
      expect(visibleText(page.text)).toContain(`Compte : ${email}`);
      // Nothing went to the in-memory mailbox: the configured SMTP mailer was used.
      expect(smtpApp.mailbox.messages).toEqual([]);
    } finally {
      await smtpApp.close();
      await smtp.close();
    }
  });
});
