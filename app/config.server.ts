import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * Every setting Tablée reads from its environment, checked once at start-up.
 * README.md documents each of them; keep both in step.
 */
const PORT_MESSAGE = "attendu : un numéro de port entre 1 et 65535";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"], "attendu : development, production ou test").default("production"),
  PORT: z.coerce.number(PORT_MESSAGE).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "doit commencer par postgres:// ou postgresql://")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  SESSION_SECRET: z.string().min(32, "doit faire au moins 32 caractères").optional(),
  PUBLIC_URL: z.url("doit être une adresse complète, par exemple https://tablee.example.fr").optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "doit commencer par smtp:// ou smtps://").optional(),
  MAIL_FROM: z.string().min(3).default("Tablée <no-reply@tablee.local>"),
  UPLOAD_DIR: z.string().min(1).optional(),
  TABLEE_DEMO: z.enum(["0", "1"], "attendu : 0 ou 1").optional(),
  TRUST_PROXY: z
    .string()
    .regex(/^(0|1|true|false|\d+|loopback|[\d.:/, a-f]+)$/i, "attendu : 0, 1, un nombre de relais ou des adresses")
    .default("loopback"),
  LOG_LEVEL: z.enum(["silent", "error", "info", "debug"], "attendu : silent, error, info ou debug").default("info"),
  MAIL_POLL_SECONDS: z.coerce
    .number("attendu : un nombre entier de secondes, de 1 à 3600")
    .int("attendu : un nombre entier de secondes, de 1 à 3600")
    .min(1, "attendu : un nombre entier de secondes, de 1 à 3600")
    .max(3600, "attendu : un nombre entier de secondes, de 1 à 3600")
    .default(30),
  MAX_CONCURRENT_REQUESTS: z.coerce.number("attendu : un nombre entier de 1 à 1000").int("attendu : un nombre entier de 1 à 1000").min(1, "attendu : un nombre entier de 1 à 1000").max(1000, "attendu : un nombre entier de 1 à 1000").optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  env: Env["NODE_ENV"];
  port: number;
  host: string;
  database: { databaseUrl: string } | { dataDir: string };
  dataDir: string;
  sessionSecret: string;
  publicUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  uploadDir: string;
  /** Demo data is created on the embedded default, or when TABLEE_DEMO=1 asks for it. */
  seedDemo: boolean;
  trustProxy: string | number | boolean;
  logLevel: Env["LOG_LEVEL"];
  /** The mail outbox is looked at least this often (besides the wake-up of each queued message). */
  mailPollSeconds: number;
  /** Page requests worked on at once; the others wait their turn (app/http/admission.server.ts). */
  maxConcurrentRequests: number;
}

export class ConfigError extends Error {}

/** Parses the environment; throws a ConfigError naming each wrong variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join(".")} : ${issue.message}`);
    throw new ConfigError(`Configuration invalide :\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  const embedded = !env.DATABASE_URL;
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    database: env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: path.join(dataDir, "pglite") },
    dataDir,
    sessionSecret: env.SESSION_SECRET ?? (embedded ? storedSessionSecret(dataDir) : missingSecret()),
    publicUrl: env.PUBLIC_URL?.replace(/\/$/, ""),
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    uploadDir: path.resolve(env.UPLOAD_DIR ?? path.join(dataDir, "uploads")),
    seedDemo: env.TABLEE_DEMO ? env.TABLEE_DEMO === "1" : embedded,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
    mailPollSeconds: env.MAIL_POLL_SECONDS,
    // The embedded database runs one query at a time; PostgreSQL serves the pool's 10 connections.
    maxConcurrentRequests: env.MAX_CONCURRENT_REQUESTS ?? (embedded ? 4 : 20),
  };
}

function missingSecret(): never {
  throw new ConfigError(
    "Configuration invalide :\n  - SESSION_SECRET : obligatoire avec DATABASE_URL (au moins 32 caractères, identique sur toutes les instances)",
  );
}

/** The embedded default keeps a generated secret beside its data, so sessions survive restarts. */
function storedSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function parseTrustProxy(value: string): string | number | boolean {
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
