import { createServer, type Server } from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { ConfigError, loadConfig, type AppConfig } from "./app/config.server.ts";
import type { TableeLoadContext } from "./app/context.ts";
import { purgeExpiredRateLimits } from "./app/features/auth/rate-limit.server.ts";
import { purgeExpiredSessions } from "./app/features/auth/sessions.server.ts";
import { createMailer, type Mailer } from "./app/features/mail/mailer.server.ts";
import { purgeFinishedMail, startMailWorker, type MailWorker } from "./app/features/mail/outbox.server.ts";
import { todayIn } from "./app/features/purchases/dates.ts";
import { queueRenewalReminders } from "./app/features/purchases/reminders.server.ts";
import { assignCspNonce, requireSameOrigin, securityHeaders } from "./app/http/security.server.ts";
import { loadSession } from "./app/http/session.server.ts";
import { admission, AdmissionQueue } from "./app/http/admission.server.ts";
import { createDb, type DatabaseHandle } from "./db/client.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { describeDemoAccounts, seedDemo } from "./db/seed/demo.ts";
import { attachRealtime, type Realtime } from "./realtime/server.ts";
import type { RegistryTuning } from "./realtime/collab/registry.ts";

const root = path.dirname(fileURLToPath(import.meta.url));
/** Where `npm run build` wrote the app (TABLEE_BUILD_DIR lets two checkouts' builds not collide). */
const buildDir = path.resolve(root, process.env.TABLEE_BUILD_DIR ?? "build");

export interface StartOptions {
  config: AppConfig;
  /** An already opened database (tests); otherwise opened from the configuration. */
  database?: DatabaseHandle;
  mailer?: Mailer;
  log?: (line: string) => void;
  /** Port 0 picks a free one (tests). */
  port?: number;
  /** Compaction and release timings of co-edited documents (tests shorten them). */
  realtime?: RegistryTuning;
  /**
   * The hourly housekeeping and the convention renewal reminders (first run 10 s after start). On by default; test
   * apps turn them off, so that nothing changes the database behind a test's back (they call the jobs themselves).
   */
  scheduledJobs?: boolean;
}

export interface RunningServer {
  url: string;
  httpServer: Server;
  database: DatabaseHandle;
  realtime: Realtime;
  /** Delivers the mail outbox (tests drain it to read what was sent). */
  mail: MailWorker;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const database = options.database ?? (await createDb(config.database));
  const { db } = database;
  await migrateToLatest(db);
  if (config.seedDemo) {
    const seeded = await seedDemo(db);
    if (seeded.created) log(`Données de démonstration créées : ${seeded.networks.map((n) => n.name).join(", ")}.`);
  }
  const mailer = options.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log });
  const development = config.env === "development";

  const app = express();
  // socket.io must attach before the HTTP handlers run, so it answers /socket.io/ itself.
  const httpServer = createServer(app);
  httpServer.on("clientError", answerUnreadableRequest);
  const realtime = attachRealtime(httpServer, {
    db,
    sessionSecret: config.sessionSecret,
    publicUrl: config.publicUrl,
    databaseUrl: "databaseUrl" in config.database ? config.database.databaseUrl : undefined,
    log,
    registry: options.realtime,
  });
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.use(closeWhenBodyUnread);
  app.use(compression());
  app.use(assignCspNonce);
  app.use(securityHeaders({ development }));

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let closeVite = async () => {};
  if (development) {
    const vite = await import("vite").then((module) =>
      module.createServer({ root, server: { middlewareMode: true } }),
    );
    app.use(vite.middlewares);
    build = () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => vite.close();
  } else {
    const clientDir = path.join(buildDir, "client");
    app.use("/assets", express.static(path.join(clientDir, "assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(clientDir, { maxAge: "1h" }));
    build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;
  }

  app.get("/healthz", async (_req, res) => {
    try {
      await db.selectFrom("networks").select("id").limit(1).execute();
      res.type("text/plain").send("ok");
    } catch {
      res.status(503).type("text/plain").send("base de données indisponible");
    }
  });

  app.use(admission(new AdmissionQueue(config.maxConcurrentRequests, 2_000)));
  app.use(requireSameOrigin({ publicUrl: config.publicUrl }));
  app.use(loadSession(db, config.sessionSecret));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: development ? "development" : "production",
      getLoadContext: (req, res) => ({
        db,
        mailer,
        session: res.locals.session,
        sessionSecret: config.sessionSecret,
        cspNonce: res.locals.cspNonce,
        clientIp: req.ip ?? null,
        baseUrl: config.publicUrl ?? `${req.protocol}://${req.get("host")}`,
        databaseKind: database.kind,
        realtime,
        uploadDir: config.uploadDir,
      }) satisfies TableeLoadContext,
    }),
  );
  // Last resort: an error outside Remix (database down while reading the session...) gets a French page, never a stack.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // A request Express itself cannot read (an address with broken %-encoding...) is the client's fault: 400, not 503.
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === "number" && status >= 400 && status < 500 && !res.headersSent) {
      return res
        .status(status)
        .type("text/html; charset=utf-8")
        .send(
          '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Requête invalide — Tablée</title>' +
            "<h1>Requête invalide</h1><p>Tablée n'a pas pu lire cette adresse ou ce formulaire. Vérifiez le lien, ou revenez à l'accueil.</p></html>",
        );
    }
    log(`Erreur : ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (res.headersSent) return res.end();
    res
      .status(503)
      .type("text/html; charset=utf-8")
      .send(
        '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Service momentanément indisponible — Tablée</title>' +
          "<h1>Service momentanément indisponible</h1><p>Tablée ne peut pas répondre pour l'instant. Réessayez dans quelques instants.</p></html>",
      );
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port ?? config.port, config.host, resolve);
  });
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`;

  // E-mails are queued in the outbox by the changes that cause them and sent here, on every instance (outbox.server.ts).
  const mail = startMailWorker({ db, mailer, listen: database.listen, pollMs: config.mailPollSeconds * 1000, log });
  const scheduledJobs = options.scheduledJobs ?? true;
  const housekeeping = setInterval(() => {
    const ninetyDaysAgo = new Date(Date.now() - 90 * 24 * 3600 * 1000);
    Promise.all([purgeExpiredSessions(db), purgeExpiredRateLimits(db), purgeFinishedMail(db, ninetyDaysAgo)]).catch((error) =>
      log(`Nettoyage périodique (sessions, compteurs, e-mails anciens) impossible : ${String(error)}`),
    );
  }, 3600 * 1000);
  housekeeping.unref();
  // Convention renewal reminders: safe on every instance (one row per convention and renewal date, see reminders.server.ts).
  const remindRenewals = () =>
    queueRenewalReminders(db, { today: todayIn("Europe/Paris"), baseUrl: config.publicUrl ?? url }).catch((error) =>
      log(`Rappels de renouvellement des conventions impossibles : ${String(error)}`),
    );
  const firstReminders = setTimeout(remindRenewals, 10_000);
  firstReminders.unref();
  const reminders = setInterval(remindRenewals, 3600 * 1000);
  reminders.unref();
  if (!scheduledJobs) {
    clearInterval(housekeeping);
    clearTimeout(firstReminders);
    clearInterval(reminders);
  }

  return {
    url,
    httpServer,
    database,
    realtime,
    mail,
    async close() {
      clearInterval(housekeeping);
      clearTimeout(firstReminders);
      clearInterval(reminders);
      httpServer.closeIdleConnections();
      // The worker stops claiming at once and gets 5 s for the message it is sending, within main()'s 10 s deadline;
      // messages claimed but not yet sent go back to the queue for another instance or the next start.
      const stoppingMail = mail.stop(5_000);
      const closing = realtime.close();
      httpServer.closeAllConnections();
      await Promise.all([closing, stoppingMail]);
      await closeVite();
      if (!options.database) await database.close();
    },
  };
}

/**
 * A request answered before its body was read (a refusal sent before the form is parsed) would leave the rest
 * of the body unread, and Remix's stream holds it paused: the kept-alive connection then stalls until its
 * timeout, and the browser's next request on it with it. Such answers close the connection instead.
 */
function closeWhenBodyUnread(req: Request, res: Response, next: NextFunction): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<Response["writeHead"]>) {
    const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
    if (hasBody && !req.complete) res.setHeader("Connection", "close");
    return writeHead.apply(this, args);
  } as Response["writeHead"];
  next();
}

/**
 * Requests Node refuses before Express sees them (headers or address too long, broken HTTP): Node's own
 * answer is an empty English status line; users get a French one.
 */
function answerUnreadableRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
  const body = "Requête invalide : l'adresse ou les en-têtes envoyés sont trop longs ou illisibles.";
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = config.logLevel === "silent" ? () => {} : (line: string) => console.log(line);
  const server = await startServer({ config, log });
  const where = "databaseUrl" in config.database ? "PostgreSQL (DATABASE_URL)" : `base embarquée PGlite (${config.dataDir})`;
  console.log(`Tablée est prête sur ${server.url} — ${where}.`);
  if (config.seedDemo) console.log(describeDemoAccounts());
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} reçu : arrêt propre de Tablée…`);
    // Writes in progress get a few seconds to finish; a database that does not answer must not keep the process alive.
    setTimeout(() => {
      console.error("Arrêt propre inachevé après 10 s : arrêt forcé.");
      process.exit(1);
    }, 10_000).unref();
    await server.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(`Tablée n'a pas pu démarrer : ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
