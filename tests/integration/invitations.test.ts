import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleLabels } from "../../app/features/auth/roles.ts";
import { hashToken } from "../../app/features/auth/tokens.server.ts";
import { sql } from "kysely";
import {
  auditRows,
  decodeHtml,
  demoEmail,
  ERMONT,
  fieldError,
  FRANCONVILLE,
  inputValue,
  loadDemoNetworks,
  orgId,
  TAVERNY,
  visibleText,
  type DemoNetwork,
} from "../support/fixtures.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

let app: TestApp;
let valParisis: DemoNetwork;
let coordinator: HttpClient;
let ermontDirector: HttpClient;
const NEW_PASSWORD = "une phrase de passe solide";

beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis } = await loadDemoNetworks(app.database.db));
  coordinator = new HttpClient(app.url);
  await coordinator.signIn(demoEmail("val-parisis", "coordinator"));
  ermontDirector = new HttpClient(app.url);
  await ermontDirector.signIn(demoEmail("val-parisis", "director", ERMONT));
});
afterAll(async () => {
  await app?.close();
});

const membersPage = () => `/reseaux/${valParisis.slug}/membres`;

function invite(client: HttpClient, email: string, inseeCode: string, role: string) {
  return client.post(membersPage(), { email, organisationId: orgId(valParisis, inseeCode), role });
}

async function invitationsTo(email: string) {
  return app.database.db.selectFrom("invitations").selectAll().where("email", "=", email).execute();
}

function tokenOf(link: string): string {
  return new URL(link).pathname.split("/").pop()!;
}

/** Moves an invitation back in time by `ms`, as if that much time had passed since it was sent. */
async function age(link: string, ms: number) {
  const seconds = Math.round(ms / 1000);
  await app.database.db
    .updateTable("invitations")
    .set({ expiresAt: sql`expires_at - make_interval(secs => ${seconds})` })
    .where("tokenHash", "=", hashToken(tokenOf(link)))
    .execute();
}

describe("who may invite whom", () => {
  it("a coordinator invites any role into any CCAS of the network; each gets an e-mail with a link", async () => {
    const roles = ["coordinator", "director", "elected", "staff"] as const;
    for (const role of roles) {
      const email = `nouveau.${role}@mairie-taverny.fr`;
      const response = await invite(coordinator, email, TAVERNY, role);
      expect(response.status).toBe(200);
      const text = visibleText(response.text);
      expect(text).toContain(`Invitation envoyée à ${email}`);
      const link = app.mailbox.lastLink(email, "/invitation/");
      expect(link.startsWith(`${app.url}/invitation/`)).toBe(true);
      expect(text).toContain(link);
      const message = app.mailbox.messages.findLast((candidate) => candidate.to === email)!;
      expect(message.subject).toContain(valParisis.name);
      expect(message.text).toContain(roleLabels[role].toLowerCase());
      expect(message.text).toContain("7 jours");
      const [row] = await invitationsTo(email);
      expect(row).toMatchObject({ role, organisationId: orgId(valParisis, TAVERNY), acceptedAt: null });
      // Only a hash is kept: the database does not hold a usable link.
      expect(row!.tokenHash).toBe(hashToken(tokenOf(link)));
      expect(row!.tokenHash).not.toContain(tokenOf(link));
    }
    const created = await auditRows(app.database.db, "invitation_created");
    expect(created.map((event) => event.detail.email)).toEqual(expect.arrayContaining(roles.map((role) => `nouveau.${role}@mairie-taverny.fr`)));
  });

  it("the invitation lasts 7 days", async () => {
    const [row] = await invitationsTo("nouveau.staff@mairie-taverny.fr");
    const days = (row!.expiresAt.getTime() - row!.createdAt.getTime()) / (24 * 3600 * 1000);
    expect(days).toBeCloseTo(7, 2);
  });

  it("a director invites into their own CCAS, any role but coordinator", async () => {
    const response = await invite(ermontDirector, "stagiaire@mairie-ermont.fr", ERMONT, "staff");
    expect(response.status).toBe(200);
    expect(visibleText(response.text)).toContain("Invitation envoyée à stagiaire@mairie-ermont.fr");
    expect(await invitationsTo("stagiaire@mairie-ermont.fr")).toHaveLength(1);
  });

  it("a director may not invite into another CCAS, nor name a coordinator: 403 and nothing recorded", async () => {
    const elsewhere = await invite(ermontDirector, "intrus@mairie-franconville.fr", FRANCONVILLE, "staff");
    expect(elsewhere.status).toBe(403);
    const promotion = await invite(ermontDirector, "chef@mairie-ermont.fr", ERMONT, "coordinator");
    expect(promotion.status).toBe(403);
    expect(await invitationsTo("intrus@mairie-franconville.fr")).toEqual([]);
    expect(await invitationsTo("chef@mairie-ermont.fr")).toEqual([]);
    expect(app.mailbox.messages.some((message) => ["intrus@mairie-franconville.fr", "chef@mairie-ermont.fr"].includes(message.to))).toBe(false);
  });

  it("elected officials and staff cannot reach the members page at all", async () => {
    for (const role of ["elected", "staff"] as const) {
      const client = new HttpClient(app.url);
      await client.signIn(demoEmail("val-parisis", role, ERMONT));
      expect((await client.get(membersPage())).status).toBe(403);
      expect((await invite(client, `par-${role}@exemple.fr`, ERMONT, "staff")).status).toBe(403);
      expect(await invitationsTo(`par-${role}@exemple.fr`)).toEqual([]);
    }
  });

  it("an address already member of the CCAS gets a French error next to the e-mail field, and nothing is sent", async () => {
    const existing = demoEmail("val-parisis", "director", ERMONT);
    const sent = app.mailbox.messages.length;
    const response = await invite(coordinator, `  ${existing.toUpperCase()} `, ERMONT, "elected");
    expect(response.status).toBe(200);
    expect(fieldError(response.text, "email")).toBe("Cette personne est déjà membre de ce CCAS.");
    expect(inputValue(response.text, "email")?.trim().toLowerCase()).toBe(existing);
    expect(await invitationsTo(existing)).toEqual([]);
    expect(app.mailbox.messages.length).toBe(sent);
  });
});

describe("accepting an invitation", () => {
  let link: string;
  const email = "lina.garnier@mairie-franconville.fr";

  beforeAll(async () => {
    await invite(coordinator, email, FRANCONVILLE, "elected");
    link = app.mailbox.lastLink(email, "/invitation/");
  });

  it("shows what is offered: network, CCAS and role", async () => {
    const page = await new HttpClient(app.url).get(new URL(link).pathname);
    expect(page.status).toBe(200);
    const text = visibleText(page.text);
    expect(text).toContain(valParisis.name);
    expect(text).toContain(valParisis.organisations.get(FRANCONVILLE)!.name);
    expect(text).toContain(roleLabels.elected.toLowerCase());
    expect(text).toContain(email);
  });

  it("keeps the name and refuses mismatched passwords, creating nothing", async () => {
    const visitor = new HttpClient(app.url);
    const response = await visitor.post(new URL(link).pathname, {
      name: "Lina Garnier",
      jobTitle: "",
      password: NEW_PASSWORD,
      confirmPassword: "autre chose encore",
    });
    expect(response.status).toBe(200);
    expect(fieldError(response.text, "confirmPassword")).toBe("Les deux mots de passe ne sont pas identiques.");
    expect(inputValue(response.text, "name")).toBe("Lina Garnier");
    expect(response.text).not.toContain(NEW_PASSWORD);
    expect(await app.database.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst()).toBeUndefined();
  });

  it("creates the account, the membership and a session in one go", async () => {
    const newcomer = new HttpClient(app.url);
    const response = await newcomer.post(new URL(link).pathname, {
      name: "  Lina Garnier ",
      jobTitle: "Adjointe aux solidarités",
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(response.status).toBe(302);
    expect(response.location).toBe(`/reseaux/${valParisis.slug}`);
    expect(response.headers.getSetCookie().some((cookie) => /^tablee_session=.+HttpOnly/i.test(cookie))).toBe(true);

    const home = await newcomer.get(response.location!);
    expect(home.status).toBe(200);
    expect(visibleText(home.text)).toContain("Lina Garnier");

    const user = await app.database.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: "Lina Garnier", jobTitle: "Adjointe aux solidarités", deactivatedAt: null });
    const membership = await app.database.db.selectFrom("memberships").selectAll().where("userId", "=", user.id).execute();
    expect(membership).toEqual([expect.objectContaining({ organisationId: orgId(valParisis, FRANCONVILLE), role: "elected", deactivatedAt: null })]);
    const [invitation] = await invitationsTo(email);
    expect(invitation!.acceptedAt).not.toBeNull();
    expect(invitation!.acceptedUserId).toBe(user.id);
    expect((await auditRows(app.database.db, "invitation_accepted")).some((event) => event.subjectUserId === user.id)).toBe(true);

    // The chosen password works for the next sign-in.
    expect((await new HttpClient(app.url).signIn(email, NEW_PASSWORD)).status).toBe(302);
  });

  it("works only once", async () => {
    const page = await new HttpClient(app.url).get(new URL(link).pathname);
    expect(visibleText(page.text)).toContain("Cette invitation a déjà été utilisée.");
    const again = await new HttpClient(app.url).post(new URL(link).pathname, {
      name: "Quelqu'un d'autre",
      password: "un autre mot de passe",
      confirmPassword: "un autre mot de passe",
    });
    expect(again.status).toBe(200);
    expect(decodeHtml(again.text)).toContain("Cette invitation n'est plus valable.");
    expect(again.headers.get("set-cookie")).toBeNull();
    const user = await app.database.db.selectFrom("users").select("name").where("email", "=", email).executeTakeFirstOrThrow();
    expect(user.name).toBe("Lina Garnier");
  });

  it("an unknown or truncated link says so", async () => {
    const page = await new HttpClient(app.url).get(`${new URL(link).pathname.slice(0, -5)}`);
    expect(page.status).toBe(200);
    expect(visibleText(page.text)).toContain("Ce lien d'invitation n'est pas valable.");
  });
});

describe("expiry after 7 days", () => {
  it("is still open just before 7 days, expired just after, and then refuses to create an account", async () => {
    const email = "tardif@mairie-taverny.fr";
    await invite(coordinator, email, TAVERNY, "staff");
    const link = app.mailbox.lastLink(email, "/invitation/");
    const path = new URL(link).pathname;

    await age(link, 7 * 24 * 3600 * 1000 - 5 * 60 * 1000);
    const stillOpen = visibleText((await new HttpClient(app.url).get(path)).text);
    expect(stillOpen).toContain("Créez votre compte");
    expect(stillOpen).not.toContain("a expiré");

    await age(link, 10 * 60 * 1000);
    const expired = visibleText((await new HttpClient(app.url).get(path)).text);
    expect(expired).toContain(`Cette invitation à rejoindre « ${valParisis.name} » a expiré`);
    expect(expired).not.toContain("Créez votre compte");

    const attempt = await new HttpClient(app.url).post(path, { name: "Tardif", password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    expect(decodeHtml(attempt.text)).toContain("Cette invitation n'est plus valable.");
    expect(await app.database.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst()).toBeUndefined();
  });
});

describe("someone who already has an account", () => {
  const email = demoEmail("pays-haut", "director");
  let path: string;

  beforeAll(async () => {
    await invite(coordinator, email, TAVERNY, "elected");
    path = new URL(app.mailbox.lastLink(email, "/invitation/")).pathname;
  });

  it("is asked to sign in first, and a premature click does not spend the invitation", async () => {
    const visitor = new HttpClient(app.url);
    const page = visibleText((await visitor.get(path)).text);
    expect(page).toContain(`Un compte existe déjà pour ${email}`);
    expect(page).not.toContain("Créez votre compte");

    // E.g. a "Rejoindre" button clicked after the session ended in another tab.
    const refused = await visitor.post(path, { intent: "join" });
    expect(refused.status).toBe(200);
    expect(decodeHtml(refused.text)).toContain(`Connectez-vous avec l'adresse ${email} pour accepter.`);
    const [invitation] = await invitationsTo(email);
    expect(invitation!.acceptedAt).toBeNull();
    expect(visibleText((await visitor.get(path)).text)).not.toContain("déjà été utilisée");
  });

  it("another signed-in person cannot take it", async () => {
    const page = visibleText((await coordinator.get(path)).text);
    expect(page).toContain(`Un compte existe déjà pour ${email}`);
    const refused = await coordinator.post(path, { intent: "join" });
    expect(decodeHtml(refused.text)).toContain(`Connectez-vous avec l'adresse ${email} pour accepter.`);
    expect((await invitationsTo(email))[0]!.acceptedAt).toBeNull();
  });

  it("joins with one click once signed in, and then belongs to both networks", async () => {
    const invitee = new HttpClient(app.url);
    await invitee.signIn(email);
    expect(visibleText((await invitee.get(path)).text)).toContain("Rejoindre le réseau");
    const joined = await invitee.post(path, { intent: "join" });
    expect(joined.status).toBe(302);
    expect(joined.location).toBe(`/reseaux/${valParisis.slug}`);
    expect((await invitee.get(joined.location!)).status).toBe(200);
    const home = await invitee.get("/");
    expect(home.status).toBe(200);
    const text = visibleText(home.text);
    expect(text).toContain(valParisis.name);
    expect(text).toContain("Pays-Haut");
  });
});
