import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditRows,
  demoEmail,
  ERMONT,
  fieldError,
  HeaderClient,
  inputValue,
  loadDemoNetworks,
  orgId,
  sessionCount,
  TAVERNY,
  userIdOf,
  visibleText,
  type DemoNetwork,
} from "../support/fixtures.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

let app: TestApp;
let valParisis: DemoNetwork;
let paysHaut: DemoNetwork;
let coordinator: HttpClient;

beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis, paysHaut } = await loadDemoNetworks(app.database.db));
  coordinator = new HttpClient(app.url);
  await coordinator.signIn(demoEmail("val-parisis", "coordinator"));
});
afterAll(async () => {
  await app?.close();
});

const membersPath = () => `/reseaux/${valParisis.slug}/membres`;

async function membershipOf(email: string, networkOrganisationId: string) {
  return app.database.db
    .selectFrom("memberships")
    .selectAll()
    .where("userId", "=", await userIdOf(app.database.db, email))
    .where("organisationId", "=", networkOrganisationId)
    .executeTakeFirstOrThrow();
}

describe("profile", () => {
  const email = demoEmail("val-parisis", "elected", ERMONT);
  let client: HttpClient;

  beforeAll(async () => {
    client = new HttpClient(app.url);
    await client.signIn(email);
  });

  async function storedProfile() {
    return app.database.db.selectFrom("users").select(["name", "jobTitle", "phone"]).where("email", "=", email).executeTakeFirstOrThrow();
  }

  it("refuses a bad phone number next to the field, keeps what was typed, and saves nothing", async () => {
    const before = await storedProfile();
    const response = await client.post("/profil", { name: "Élise Martin-Nouveau", jobTitle: "Maire adjointe", phone: "01 34 AB" });
    expect(response.status).toBe(200);
    expect(fieldError(response.text, "phone")).toBe("Ce numéro de téléphone n'est pas valide (exemple : 01 34 44 00 00).");
    expect(fieldError(response.text, "name")).toBe("");
    expect(inputValue(response.text, "phone")).toBe("01 34 AB");
    expect(inputValue(response.text, "name")).toBe("Élise Martin-Nouveau");
    expect(response.text).toMatch(/<input[^>]*name="phone"[^>]*aria-invalid="true"/);
    expect(visibleText(response.text)).not.toContain("Votre profil est enregistré.");
    expect(await storedProfile()).toEqual(before);
  });

  it("saves a valid profile, trimmed, and says so", async () => {
    const response = await client.post("/profil", { name: "  Élise Martin ", jobTitle: " Maire adjointe ", phone: " 01 34 44 00 00 " });
    expect(response.status).toBe(200);
    expect(visibleText(response.text)).toContain("Votre profil est enregistré.");
    expect(await storedProfile()).toEqual({ name: "Élise Martin", jobTitle: "Maire adjointe", phone: "01 34 44 00 00" });
    const reloaded = (await client.get("/profil")).text;
    expect(inputValue(reloaded, "jobTitle")).toBe("Maire adjointe");
    expect(inputValue(reloaded, "phone")).toBe("01 34 44 00 00");
  });

  it("sends an anonymous visitor to sign in and changes nothing", async () => {
    const before = await storedProfile();
    const response = await new HttpClient(app.url).post("/profil", { name: "Pirate", phone: "" });
    expect(response.status).toBe(302);
    expect(response.location).toBe("/connexion?redirectTo=%2Fprofil");
    expect(await storedProfile()).toEqual(before);
  });
});

describe("a coordinator manages members; the effect on their open sessions is immediate", () => {
  const email = demoEmail("val-parisis", "director", TAVERNY);
  let director: HttpClient;
  let membershipId: string;
  const tavernyEdit = () => `/reseaux/${valParisis.slug}/annuaire/${orgId(valParisis, TAVERNY)}/modifier`;

  beforeAll(async () => {
    director = new HttpClient(app.url);
    await director.signIn(email);
    membershipId = (await membershipOf(email, orgId(valParisis, TAVERNY))).id;
  });

  it("before any change, the director edits their CCAS and sees the members page", async () => {
    expect((await director.get(tavernyEdit())).status).toBe(200);
    expect((await director.get(membersPath())).status).toBe(200);
  });

  it("a director cannot change roles, even in their own CCAS", async () => {
    const staff = await membershipOf(demoEmail("val-parisis", "staff", TAVERNY), orgId(valParisis, TAVERNY));
    const response = await director.post(membersPath(), { intent: "change-role", membershipId: staff.id, role: "director" });
    expect(response.status).toBe(403);
    expect((await membershipOf(demoEmail("val-parisis", "staff", TAVERNY), orgId(valParisis, TAVERNY))).role).toBe("staff");
  });

  it("a coordinator can neither change their own role nor deactivate themselves", async () => {
    const own = await membershipOf(demoEmail("val-parisis", "coordinator"), orgId(valParisis, ERMONT));
    const response = await coordinator.post(membersPath(), { intent: "change-role", membershipId: own.id, role: "staff" });
    expect(response.status).toBe(403);
    const lockout = await coordinator.post(membersPath(), { intent: "deactivate", membershipId: own.id, confirm: "oui" });
    expect(lockout.status).toBe(403);
    const after = await membershipOf(demoEmail("val-parisis", "coordinator"), orgId(valParisis, ERMONT));
    expect(after.role).toBe("coordinator");
    expect(after.deactivatedAt).toBeNull();
    expect((await coordinator.get(membersPath())).status).toBe(200);
  });

  it("a membership of another network is unknown here", async () => {
    const foreign = await membershipOf(demoEmail("pays-haut", "director"), orgId(paysHaut, "54521"));
    const response = await coordinator.post(membersPath(), { intent: "change-role", membershipId: foreign.id, role: "staff" });
    expect(response.status).toBe(200);
    expect(visibleText(response.text)).toContain("Ce membre n'existe pas dans ce réseau.");
    expect((await membershipOf(demoEmail("pays-haut", "director"), orgId(paysHaut, "54521"))).role).toBe("director");
  });

  it("changing the director to staff takes away their editing rights at once, without signing them out", async () => {
    const response = await coordinator.post(membersPath(), { intent: "change-role", membershipId, role: "staff" });
    expect(response.status).toBe(200);
    expect(visibleText(response.text)).toContain("Rôle changé : Agent.");
    expect((await membershipOf(email, orgId(valParisis, TAVERNY))).role).toBe("staff");

    expect((await director.get(tavernyEdit())).status).toBe(403);
    expect((await director.get(membersPath())).status).toBe(403);
    expect((await director.get(`/reseaux/${valParisis.slug}`)).status).toBe(200);
  });

  it("deactivation asks for confirmation first", async () => {
    const response = await coordinator.post(membersPath(), { intent: "deactivate", membershipId });
    expect(response.status).toBe(200);
    expect(visibleText(response.text)).toContain("Désactiver Thomas Moreau ?");
    expect((await membershipOf(email, orgId(valParisis, TAVERNY))).deactivatedAt).toBeNull();
    expect(await sessionCount(app.database.db, email)).toBe(1);
  });

  it("deactivating the member ends their session at once, and they no longer see the network", async () => {
    const response = await coordinator.post(membersPath(), { intent: "deactivate", membershipId, confirm: "oui" });
    expect(response.status).toBe(200);
    expect(visibleText(response.text)).toContain("Le membre est désactivé ; ses sessions sont fermées.");
    expect((await membershipOf(email, orgId(valParisis, TAVERNY))).deactivatedAt).not.toBeNull();
    expect(await sessionCount(app.database.db, email)).toBe(0);

    const refused = await director.get(`/reseaux/${valParisis.slug}`);
    expect(refused.status).toBe(302);
    expect(refused.location).toMatch(/^\/connexion\?redirectTo=/);

    // Their account still exists, but the network is closed to them.
    const again = new HttpClient(app.url);
    expect((await again.signIn(email)).status).toBe(302);
    expect((await again.get(`/reseaux/${valParisis.slug}`)).status).toBe(404);
    expect(visibleText((await again.get("/")).text)).toContain("Vous ne faites partie d'aucun réseau pour l'instant");
  });
});

describe("the network's activity log (journal)", () => {
  const journal = () => `/reseaux/${valParisis.slug}/journal`;

  beforeAll(async () => {
    // A failed sign-in of a member, from a recognisable address.
    await new HeaderClient(app.url, { "x-forwarded-for": "198.51.100.77" }).signIn(demoEmail("val-parisis", "staff", ERMONT), "pas le bon");
    await coordinator.post(membersPath(), { email: "journal@mairie-ermont.fr", organisationId: orgId(valParisis, ERMONT), role: "staff" });
    // Someone in the other network signs in: that must not show in Val Parisis' log.
    await new HttpClient(app.url).signIn(demoEmail("pays-haut", "coordinator"));
  });

  it("records each event with who did it, to whom, and where", async () => {
    const db = app.database.db;
    const coordinatorId = await userIdOf(db, demoEmail("val-parisis", "coordinator"));
    const directorId = await userIdOf(db, demoEmail("val-parisis", "director", TAVERNY));
    const staffId = await userIdOf(db, demoEmail("val-parisis", "staff", ERMONT));

    expect((await auditRows(db, "sign_in")).some((row) => row.actorUserId === coordinatorId && row.subjectUserId === coordinatorId)).toBe(true);
    expect(await auditRows(db, "sign_in_failed")).toContainEqual(
      expect.objectContaining({ subjectUserId: staffId, ip: "198.51.100.77", detail: expect.objectContaining({ reason: "wrong_password" }) }),
    );
    expect(await auditRows(db, "role_changed")).toContainEqual(
      expect.objectContaining({
        actorUserId: coordinatorId,
        subjectUserId: directorId,
        networkId: valParisis.id,
        organisationId: orgId(valParisis, TAVERNY),
        detail: { from: "director", to: "staff" },
      }),
    );
    expect(await auditRows(db, "invitation_created")).toContainEqual(
      expect.objectContaining({ actorUserId: coordinatorId, networkId: valParisis.id, detail: { email: "journal@mairie-ermont.fr", role: "staff" } }),
    );
    expect(await auditRows(db, "membership_deactivated")).toContainEqual(
      expect.objectContaining({ actorUserId: coordinatorId, subjectUserId: directorId, networkId: valParisis.id }),
    );
  });

  it("shows them to the coordinator, in French", async () => {
    const page = await coordinator.get(journal());
    expect(page.status).toBe(200);
    const text = visibleText(page.text);
    for (const label of ["Connexion", "Échec de connexion", "Rôle changé", "Invitation envoyée", "Membre désactivé"]) {
      expect(text).toContain(label);
    }
    expect(text).toContain("director → staff");
    expect(text).toContain("journal@mairie-ermont.fr");
    expect(text).toContain("198.51.100.77");
    expect(text).toContain("Thomas Moreau");
    expect(text).not.toContain("Valérie Schmitt");
  });

  it("is refused to a director (403) and does not exist for the other network (404)", async () => {
    const director = new HttpClient(app.url);
    await director.signIn(demoEmail("val-parisis", "director", ERMONT));
    const refused = await director.get(journal());
    expect(refused.status).toBe(403);
    expect(visibleText(refused.text)).toContain("Accès refusé");
    expect(visibleText(refused.text)).not.toContain("198.51.100.77");

    const outsider = new HttpClient(app.url);
    await outsider.signIn(demoEmail("pays-haut", "coordinator"));
    expect((await outsider.get(journal())).status).toBe(404);
    // Their own network's log is theirs to read, and holds none of Val Parisis' events.
    const own = await outsider.get(`/reseaux/${paysHaut.slug}/journal`);
    expect(own.status).toBe(200);
    expect(visibleText(own.text)).not.toContain("journal@mairie-ermont.fr");
    expect(visibleText(own.text)).not.toContain("Thomas Moreau");
  });
});
