import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { ConfigError, loadConfig } from "../config.server.ts";
import { addMember, deactivateAccount, resetPasswordByAdmin } from "../features/auth/accounts.server.ts";
import { recordAudit } from "../features/auth/audit.server.ts";
import { emailField, newPasswordField } from "../features/auth/schemas.ts";
import { findUserByEmail } from "../features/auth/users.server.ts";
import { apiTokenSchema } from "../features/api/schemas.ts";
import { createApiToken } from "../features/api/tokens.server.ts";
import { findCommune, findEpci } from "../features/network/communes.server.ts";
import { createNetwork } from "../features/network/networks.server.ts";
import { createMailer, type Mailer } from "../features/mail/mailer.server.ts";
import { createOrganisationFromCommune } from "../features/network/organisations.server.ts";
import { todayIn } from "../features/purchases/dates.ts";
import { queueRenewalReminders } from "../features/purchases/reminders.server.ts";
import { deliverDueMail } from "../features/mail/outbox.server.ts";
import { createDb, inTransaction, type DB } from "../../db/client.ts";
import { migrateToLatest } from "../../db/migrate.ts";

export const adminHelp = `Administration de Tablée

Usage : npm run admin -- <commande> [options]

Commandes :
  create-network      Crée un réseau, ses CCAS et son premier coordinateur
      --name "…"                 nom du réseau (obligatoire)
      --epci CODE                SIREN d'un EPCI : un CCAS par commune membre
      --commune INSEE            une commune membre (répétable), en plus ou à la place de --epci
      --coordinator-email E      e-mail du coordinateur (obligatoire)
      --coordinator-name "…"     nom du coordinateur (obligatoire)
      --coordinator-commune INSEE  CCAS de rattachement du coordinateur (par défaut : la première commune)
      --password P               mot de passe initial (sinon un mot de passe est tiré au sort et affiché)
  reset-password      Change le mot de passe d'un compte et ferme ses sessions
      --email E  [--password P]
  deactivate          Désactive un compte et ferme toutes ses sessions
      --email E
  list-networks       Liste les réseaux et leur nombre de CCAS
  remind-renewals     Envoie les rappels de renouvellement des conventions dus (60 jours avant ;
                      jamais deux fois : le serveur le fait aussi chaque heure)
      [--date AAAA-MM-JJ]        date du jour à retenir (par défaut : aujourd'hui, heure de Paris)
  create-token        Crée un jeton d'API personnel (affiché une seule fois) pour des scripts
      --email E  [--name "…"]    compte dont le jeton porte les droits ; nom du jeton (par défaut « Ligne de commande »)

Options générales :
  -h, --help          Affiche cette aide

La base utilisée est celle de DATABASE_URL, ou à défaut la base embarquée de DATA_DIR.
Exemple :
  npm run admin -- create-network --name "Réseau inter-CCAS du Val Parisis" --epci 200058485 \\
    --coordinator-email coordination@exemple.fr --coordinator-name "Claire Martin"
`;

export interface AdminIo {
  out(line: string): void;
  err(line: string): void;
}

class UsageError extends Error {}

function firstIssue(result: z.ZodSafeParseResult<unknown>, option: string): string {
  return result.success ? "" : `${option} : ${result.error.issues[0]?.message ?? "valeur invalide"}`;
}

function requireEmail(value: string | undefined, option: string): string {
  if (!value) throw new UsageError(`${option} est obligatoire.`);
  const parsed = emailField.safeParse(value);
  if (!parsed.success) throw new UsageError(firstIssue(parsed, option));
  return parsed.data;
}

function passwordOrGenerated(value: string | undefined): { password: string; generated: boolean } {
  if (value === undefined) return { password: randomBytes(12).toString("base64url"), generated: true };
  const parsed = newPasswordField.safeParse(value);
  if (!parsed.success) throw new UsageError(firstIssue(parsed, "--password"));
  return { password: parsed.data, generated: false };
}

const options = {
  help: { type: "boolean", short: "h" },
  name: { type: "string" },
  epci: { type: "string" },
  commune: { type: "string", multiple: true },
  "coordinator-email": { type: "string" },
  "coordinator-name": { type: "string" },
  "coordinator-commune": { type: "string" },
  password: { type: "string" },
  email: { type: "string" },
  date: { type: "string" },
} as const;

/** Runs one admin command; returns the process exit code (0 ok, 1 failure, 2 usage). */
export async function runAdmin(argv: string[], db: DB | (() => Promise<DB>), io: AdminIo, mailer?: Mailer): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`Option non reconnue : ${error instanceof Error ? error.message : String(error)}`);
    io.err("Lancez « npm run admin -- --help » pour la liste des commandes.");
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    io.out(adminHelp);
    return values.help ? 0 : 2;
  }
  try {
    const database = typeof db === "function" ? await db() : db;
    switch (command) {
      case "create-network":
        return await createNetworkCommand(database, values, io);
      case "reset-password": {
        const email = requireEmail(values.email, "--email");
        const { password, generated } = passwordOrGenerated(values.password);
        if (!(await resetPasswordByAdmin(database, email, password))) {
          io.err(`Aucun compte pour ${email}.`);
          return 1;
        }
        io.out(`Mot de passe de ${email} changé ; ses sessions sont fermées.`);
        if (generated) io.out(`Nouveau mot de passe (à transmettre puis à changer) : ${password}`);
        return 0;
      }
      case "deactivate": {
        const email = requireEmail(values.email, "--email");
        if (!(await deactivateAccount(database, email))) {
          io.err(`Aucun compte pour ${email}.`);
          return 1;
        }
        io.out(`Compte ${email} désactivé ; toutes ses sessions sont fermées.`);
        return 0;
      }
      case "create-token": {
        const email = requireEmail(values.email, "--email");
        const name = apiTokenSchema.safeParse({ name: values.name ?? "Ligne de commande" });
        if (!name.success) throw new UsageError(firstIssue(name, "--name"));
        const user = await findUserByEmail(database, email);
        if (!user || user.deactivatedAt) {
          io.err(`Aucun compte actif pour ${email}.`);
          return 1;
        }
        const created = await createApiToken(database, { userId: user.id, name: name.data.name });
        if (!created.ok) {
          io.err(created.message);
          return 1;
        }
        io.out(`Jeton « ${name.data.name} » créé pour ${email}. Conservez-le : il ne sera plus affiché.`);
        io.out(created.token);
        return 0;
      }
      case "list-networks": {
        const rows = await database
          .selectFrom("networks")
          .leftJoin("organisations", "organisations.networkId", "networks.id")
          .select(({ fn }) => ["networks.slug", "networks.name", fn.count<number>("organisations.id").as("count")])
          .groupBy(["networks.id", "networks.slug", "networks.name"])
          .orderBy("networks.name")
          .execute();
        if (rows.length === 0) io.out("Aucun réseau.");
        for (const row of rows) io.out(`${row.slug}\t${row.name}\t${Number(row.count)} CCAS`);
        return 0;
      }
      case "remind-renewals": {
        const today = values.date ?? todayIn("Europe/Paris");
        if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new UsageError("--date : indiquez une date AAAA-MM-JJ.");
        const config = mailer ? null : loadConfig();
        const sender = mailer ?? createMailer({ smtpUrl: config!.smtpUrl, from: config!.mailFrom, log: io.out });
        const baseUrl = config?.publicUrl ?? `http://localhost:${config?.port ?? 3000}`;
        const queued = await queueRenewalReminders(database, { today, baseUrl });
        // Delivered now rather than by a running server's worker (there may be none); what fails stays queued.
        const delivery = await deliverDueMail(database, sender, { log: io.err });
        if (delivery.retrying) io.err(`${delivery.retrying} e-mail(s) non remis pour l'instant : le serveur Tablée les renverra.`);
        if (delivery.failed) io.err(`${delivery.failed} e-mail(s) refusé(s) par le serveur d'envoi.`);
        io.out(`Rappels de renouvellement envoyés pour ${queued} convention${queued > 1 ? "s" : ""}.`);
        return 0;
      }
      default:
        io.err(`Commande inconnue : ${command}. Lancez « npm run admin -- --help ».`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    io.err(`Échec : ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function createNetworkCommand(
  db: DB,
  values: { [K in keyof typeof options]?: unknown },
  io: AdminIo,
): Promise<number> {
  const name = typeof values.name === "string" ? values.name.trim() : "";
  if (name.length < 3) throw new UsageError("--name est obligatoire (au moins 3 caractères).");
  const coordinatorEmail = requireEmail(values["coordinator-email"] as string | undefined, "--coordinator-email");
  const coordinatorName = typeof values["coordinator-name"] === "string" ? values["coordinator-name"].trim() : "";
  if (!coordinatorName) throw new UsageError("--coordinator-name est obligatoire.");
  const codes: string[] = [];
  const epciCode = values.epci as string | undefined;
  if (epciCode) {
    const epci = findEpci(epciCode);
    if (!epci) throw new UsageError(`--epci : aucun EPCI de code ${epciCode} (attendu : le SIREN à 9 chiffres).`);
    codes.push(...epci.memberCodes);
  }
  for (const code of (values.commune as string[] | undefined) ?? []) if (!codes.includes(code)) codes.push(code);
  if (codes.length === 0) throw new UsageError("Indiquez --epci ou au moins une --commune.");
  const communes = codes.map((code) => {
    const commune = findCommune(code);
    if (!commune) throw new UsageError(`Commune inconnue : ${code} (attendu : un code INSEE, par exemple 95219).`);
    return commune;
  });
  const coordinatorCommune = (values["coordinator-commune"] as string | undefined) ?? communes[0]!.code;
  if (!codes.includes(coordinatorCommune)) {
    throw new UsageError(`--coordinator-commune : ${coordinatorCommune} ne fait pas partie des communes du réseau.`);
  }
  const { password, generated } = passwordOrGenerated(values.password as string | undefined);
  // An existing account keeps its password: addMember only adds the membership.
  const existingAccount = await findUserByEmail(db, coordinatorEmail);
  const network = await inTransaction(db, async (tx) => {
    const created = await createNetwork(tx, { name, epciCode: epciCode ?? null });
    let coordinatorOrganisationId = "";
    for (const commune of communes) {
      const organisation = await createOrganisationFromCommune(tx, { networkId: created.id, commune });
      if (commune.code === coordinatorCommune) coordinatorOrganisationId = organisation.id;
    }
    const { userId } = await addMember(tx, {
      email: coordinatorEmail,
      name: coordinatorName,
      password,
      organisationId: coordinatorOrganisationId,
      role: "coordinator",
    });
    await recordAudit(tx, { action: "network_created", subjectUserId: userId, networkId: created.id, detail: { by: "admin-cli" } });
    return created;
  });
  io.out(`Réseau « ${network.name} » créé (${communes.length} CCAS) : /reseaux/${network.slug}`);
  io.out(`Coordinateur : ${coordinatorEmail}${existingAccount ? " (compte existant : son mot de passe ne change pas)" : ""}`);
  if (generated && !existingAccount) io.out(`Mot de passe initial (à transmettre puis à changer) : ${password}`);
  return 0;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let handle: Awaited<ReturnType<typeof createDb>> | undefined;
  const io: AdminIo = { out: (line) => console.log(line), err: (line) => console.error(line) };
  const openDb = async () => {
    const config = loadConfig();
    handle = await createDb(config.database);
    await migrateToLatest(handle.db);
    return handle.db;
  };
  let code: number;
  try {
    code = await runAdmin(argv, openDb, io);
  } catch (error) {
    io.err(error instanceof ConfigError ? error.message : `Échec : ${String(error)}`);
    code = 1;
  }
  await handle?.close();
  process.exit(code);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  void main();
}
