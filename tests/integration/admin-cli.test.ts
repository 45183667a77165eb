import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdmin } from "../../app/cli/admin.ts";
import { findEpci } from "../../app/features/network/communes.server.ts";
import { WRONG_CREDENTIALS } from "../../app/features/auth/sign-in.server.ts";
import { DEMO_PASSWORD } from "../../db/seed/demo.ts";
import { auditRows, decodeHtml, demoEmail, sessionCount, userIdOf, visibleText } from "../support/fixtures.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

async function admin(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(argv, app.database.db, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Row counts of every table the commands write to. */
async function counts() {
  const tables = ["networks", "organisations", "users", "memberships", "sessions", "audit_events"] as const;
  const result: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(app.database.db);
    result[table] = rows[0]!.n;
  }
  return result;
}

async function signIn(email: string, password: string) {
  const client = new HttpClient(app.url);
  const response = await client.signIn(email, password);
  return { client, ok: response.status === 302, text: decodeHtml(response.text) };
}

describe("usage", () => {
  it("--help (or -h) prints the French help and exits 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const { code, out } = await admin(flag);
      expect(code).toBe(0);
      expect(out).toContain("Administration de Tablée");
      for (const command of ["create-network", "reset-password", "deactivate", "list-networks"]) expect(out).toContain(command);
    }
  });

  it("no command prints the help and exits 2", async () => {
    const { code, out } = await admin();
    expect(code).toBe(2);
    expect(out).toContain("Usage");
  });

  it("an unknown command or option exits 2 with a French message", async () => {
    const unknown = await admin("supprimer-tout");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("Commande inconnue : supprimer-tout");
    const option = await admin("list-networks", "--force");
    expect(option.code).toBe(2);
    expect(option.err).toContain("Option non reconnue");
  });

  it("list-networks shows each network with its number of CCAS", async () => {
    const { code, out } = await admin("list-networks");
    expect(code).toBe(0);
    expect(out).toMatch(/tables-rondes-inter-ccas-du-val-parisis\tTables rondes inter-CCAS du Val Parisis\t15 CCAS/);
    expect(out).toMatch(/\t3 CCAS/);
  });
});

describe("create-network", () => {
  it("--epci creates the network, one CCAS per member commune and a coordinator who can sign in", async () => {
    const epci = findEpci("200023372")!;
    const { code, out, err } = await admin(
      "create-network",
      "--name",
      "Réseau des CCAS de la vallée de Chamonix",
      "--epci",
      epci.code,
      "--coordinator-email",
      "Coordination@Chamonix.example.fr",
      "--coordinator-name",
      "Camille Coordination",
      "--password",
      "mot de passe initial solide",
    );
    expect(err).toBe("");
    expect(code).toBe(0);
    const network = await app.database.db
      .selectFrom("networks")
      .selectAll()
      .where("name", "=", "Réseau des CCAS de la vallée de Chamonix")
      .executeTakeFirstOrThrow();
    expect(out).toContain(`créé (${epci.memberCodes.length} CCAS) : /reseaux/${network.slug}`);
    expect(network.epciCode).toBe(epci.code);
    const organisations = await app.database.db.selectFrom("organisations").selectAll().where("networkId", "=", network.id).execute();
    expect(organisations.map((organisation) => organisation.inseeCode).sort()).toEqual([...epci.memberCodes].sort());
    expect(organisations.every((organisation) => organisation.population !== null && organisation.populationYear === 2023)).toBe(true);

    const userId = await userIdOf(app.database.db, "coordination@chamonix.example.fr");
    const memberships = await app.database.db.selectFrom("memberships").selectAll().where("userId", "=", userId).execute();
    expect(memberships).toEqual([
      expect.objectContaining({ role: "coordinator", organisationId: organisations.find((o) => o.inseeCode === epci.memberCodes[0])!.id }),
    ]);
    expect(await auditRows(app.database.db, "network_created")).toContainEqual(expect.objectContaining({ networkId: network.id, subjectUserId: userId }));

    const { client, ok } = await signIn("coordination@chamonix.example.fr", "mot de passe initial solide");
    expect(ok).toBe(true);
    const home = await client.get("/");
    expect(home.location).toBe(`/reseaux/${network.slug}`);
    const page = await client.get(home.location!);
    expect(visibleText(page.text)).toContain("Réseau des CCAS de la vallée de Chamonix");
    expect((await client.get(`/reseaux/${network.slug}/journal`)).status).toBe(200);
  });

  it("--commune (repeated) with a generated password that works, and the chosen coordinator CCAS", async () => {
    const { code, out } = await admin(
      "create-network",
      "--name",
      "Réseau Pontoise - L'Isle-Adam",
      "--commune",
      "95500",
      "--commune",
      "95313",
      "--coordinator-email",
      "coordination@pontoise.example.fr",
      "--coordinator-name",
      "Paul Coordination",
      "--coordinator-commune",
      "95313",
    );
    expect(code).toBe(0);
    expect(out).toContain("créé (2 CCAS)");
    const password = out.match(/Mot de passe initial \(à transmettre puis à changer\) : (\S+)/)?.[1];
    expect(password).toBeDefined();
    expect((await signIn("coordination@pontoise.example.fr", password!)).ok).toBe(true);
    const membership = await app.database.db
      .selectFrom("memberships")
      .innerJoin("organisations", "organisations.id", "memberships.organisationId")
      .where("memberships.userId", "=", await userIdOf(app.database.db, "coordination@pontoise.example.fr"))
      .select(["organisations.inseeCode", "memberships.role"])
      .execute();
    expect(membership).toEqual([{ inseeCode: "95313", role: "coordinator" }]);
  });

  it("for an address that already has an account, does not print a password that would not work", async () => {
    const existing = demoEmail("pays-haut", "director");
    const { code, out } = await admin(
      "create-network",
      "--name",
      "Réseau de test Thil",
      "--commune",
      "54521",
      "--coordinator-email",
      existing,
      "--coordinator-name",
      "Marc Weber",
    );
    expect(code).toBe(0);
    expect(out).not.toMatch(/Mot de passe initial/);
    expect(out).toContain(`Coordinateur : ${existing} (compte existant : son mot de passe ne change pas)`);
    // Their own password still works, and they now coordinate the new network.
    const { client, ok } = await signIn(existing, DEMO_PASSWORD);
    expect(ok).toBe(true);
    const home = visibleText((await client.get("/")).text);
    expect(home).toContain("Réseau de test Thil");
    expect(home).toContain("Pays-Haut");
  });

  const refused: Array<[string, string[], RegExp]> = [
    ["a malformed e-mail", ["--coordinator-email", "pas-une-adresse"], /--coordinator-email : Cette adresse e-mail n'est pas valide/],
    ["a short password", ["--password", "court"], /--password : Le mot de passe doit faire au moins 12 caractères\./],
    ["an unknown INSEE code", ["--commune", "99999"], /Commune inconnue : 99999 \(attendu : un code INSEE, par exemple 95219\)\./],
    ["an unknown EPCI", ["--epci", "123456789"], /--epci : aucun EPCI de code 123456789/],
    ["a coordinator CCAS outside the network", ["--coordinator-commune", "95219"], /--coordinator-commune : 95219 ne fait pas partie des communes du réseau\./],
  ];

  for (const [label, override, message] of refused) {
    it(`refuses ${label}: exit 2, French message, nothing written`, async () => {
      const base: Record<string, string> = {
        "--name": "Réseau qui ne doit pas exister",
        "--commune": "95500",
        "--coordinator-email": "refus@exemple.fr",
        "--coordinator-name": "Personne",
        "--password": "un mot de passe assez long",
      };
      base[override[0]!] = override[1]!;
      const before = await counts();
      const { code, err, out } = await admin("create-network", ...Object.entries(base).flat());
      expect(code).toBe(2);
      expect(err).toMatch(message);
      expect(out).toBe("");
      expect(await counts()).toEqual(before);
      expect(await app.database.db.selectFrom("networks").select("id").where("name", "=", "Réseau qui ne doit pas exister").executeTakeFirst()).toBeUndefined();
    });
  }

  it("refuses a missing name or coordinator, and no commune at all", async () => {
    const before = await counts();
    const noName = await admin("create-network", "--commune", "95500", "--coordinator-email", "a@b.fr", "--coordinator-name", "A");
    expect(noName.code).toBe(2);
    expect(noName.err).toContain("--name est obligatoire");
    const noCommune = await admin("create-network", "--name", "Réseau vide", "--coordinator-email", "a@b.fr", "--coordinator-name", "A");
    expect(noCommune.code).toBe(2);
    expect(noCommune.err).toContain("Indiquez --epci ou au moins une --commune.");
    const noCoordinator = await admin("create-network", "--name", "Réseau sans tête", "--commune", "95500");
    expect(noCoordinator.code).toBe(2);
    expect(noCoordinator.err).toContain("--coordinator-email est obligatoire.");
    expect(await counts()).toEqual(before);
  });
});

describe("reset-password", () => {
  const email = demoEmail("val-parisis", "staff", "95219");

  it("changes the password and ends every session of the account", async () => {
    const { client } = await signIn(email, DEMO_PASSWORD);
    expect(await sessionCount(app.database.db, email)).toBe(1);
    const { code, out } = await admin("reset-password", "--email", email, "--password", "choisi par l'administrateur");
    expect(code).toBe(0);
    expect(out).toContain(`Mot de passe de ${email} changé ; ses sessions sont fermées.`);
    expect(await sessionCount(app.database.db, email)).toBe(0);
    const page = await client.get("/profil");
    expect(page.status).toBe(302);
    expect(page.location).toBe("/connexion?redirectTo=%2Fprofil");
    expect((await signIn(email, DEMO_PASSWORD)).ok).toBe(false);
    expect((await signIn(email, "choisi par l'administrateur")).ok).toBe(true);
    expect(await auditRows(app.database.db, "password_reset_completed")).toContainEqual(
      expect.objectContaining({ subjectUserId: await userIdOf(app.database.db, email), detail: { by: "admin-cli" } }),
    );
  });

  it("generates a password when none is given", async () => {
    const { code, out } = await admin("reset-password", "--email", email);
    expect(code).toBe(0);
    const password = out.match(/Nouveau mot de passe \(à transmettre puis à changer\) : (\S+)/)?.[1];
    expect(password).toBeDefined();
    expect((await signIn(email, password!)).ok).toBe(true);
  });

  it("refuses a bad e-mail or a short password (exit 2) and says when there is no such account (exit 1)", async () => {
    const before = await counts();
    const badEmail = await admin("reset-password", "--email", "pas-une-adresse", "--password", "un mot de passe assez long");
    expect(badEmail.code).toBe(2);
    expect(badEmail.err).toMatch(/--email : Cette adresse e-mail n'est pas valide/);
    const short = await admin("reset-password", "--email", demoEmail("val-parisis", "director", "95219"), "--password", "court");
    expect(short.code).toBe(2);
    expect(short.err).toContain("Le mot de passe doit faire au moins 12 caractères.");
    expect((await signIn(demoEmail("val-parisis", "director", "95219"), DEMO_PASSWORD)).ok).toBe(true);
    const unknown = await admin("reset-password", "--email", "personne@exemple.fr", "--password", "un mot de passe assez long");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("Aucun compte pour personne@exemple.fr.");
    const after = await counts();
    // Only the director's verification sign-in above was written.
    expect({ ...after, sessions: before.sessions, audit_events: before.audit_events }).toEqual(before);
  });
});

describe("deactivate", () => {
  it("ends the account's sessions and blocks its sign-in, with the usual answer", async () => {
    const email = demoEmail("val-parisis", "elected", "95607");
    const { client } = await signIn(email, DEMO_PASSWORD);
    const { code, out } = await admin("deactivate", "--email", email);
    expect(code).toBe(0);
    expect(out).toContain(`Compte ${email} désactivé ; toutes ses sessions sont fermées.`);
    expect((await client.get("/profil")).status).toBe(302);
    const attempt = await signIn(email, DEMO_PASSWORD);
    expect(attempt.ok).toBe(false);
    expect(attempt.text).toContain(WRONG_CREDENTIALS);
    expect(await sessionCount(app.database.db, email)).toBe(0);
    expect(await auditRows(app.database.db, "account_deactivated")).toContainEqual(
      expect.objectContaining({ subjectUserId: await userIdOf(app.database.db, email) }),
    );
  });

  it("refuses a missing or malformed e-mail (exit 2) and an unknown account (exit 1)", async () => {
    expect((await admin("deactivate")).code).toBe(2);
    const malformed = await admin("deactivate", "--email", "x@");
    expect(malformed.code).toBe(2);
    expect(malformed.err).toMatch(/Cette adresse e-mail n'est pas valide/);
    const unknown = await admin("deactivate", "--email", "fantome@exemple.fr");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("Aucun compte pour fantome@exemple.fr.");
  });
});
