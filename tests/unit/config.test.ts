import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../app/config.server.ts";

const SECRET = "s".repeat(32);
const PG = "postgres://tablee@db.example:5432/tablee";
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tablee-config-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("loadConfig aurait dû refuser cette configuration");
}

const englishZod = /Invalid|expected|received|Too (big|small)/;

describe("loadConfig defaults", () => {
  it("runs the embedded database on port 3000 with demo data when nothing is set", () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({
      env: "production",
      port: 3000,
      host: "0.0.0.0",
      database: { dataDir: path.join(dataDir, "pglite") },
      dataDir,
      publicUrl: undefined,
      smtpUrl: undefined,
      uploadDir: path.join(dataDir, "uploads"),
      seedDemo: true,
      trustProxy: "loopback",
      logLevel: "info",
      mailPollSeconds: 30,
    });
    expect(config.mailFrom).toMatch(/Tablée/);
  });

  it("treats empty variables as unset", () => {
    const config = loadConfig({ DATA_DIR: tempDir(), PORT: "", PUBLIC_URL: "", DATABASE_URL: "" });
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBeUndefined();
    expect("dataDir" in config.database).toBe(true);
  });

  it("resolves a relative DATA_DIR against the working directory", () => {
    const config = loadConfig({ DATA_DIR: path.relative(process.cwd(), tempDir()) });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });

  it("uses PostgreSQL without demo data when DATABASE_URL is set, unless TABLEE_DEMO=1", () => {
    const config = loadConfig({ DATABASE_URL: PG, SESSION_SECRET: SECRET, DATA_DIR: tempDir() });
    expect(config.database).toEqual({ databaseUrl: PG });
    expect(config.seedDemo).toBe(false);
    expect(config.sessionSecret).toBe(SECRET);
    expect(loadConfig({ DATABASE_URL: PG, SESSION_SECRET: SECRET, TABLEE_DEMO: "1" }).seedDemo).toBe(true);
    expect(loadConfig({ DATA_DIR: tempDir(), TABLEE_DEMO: "0" }).seedDemo).toBe(false);
  });

  it("reads PORT, PUBLIC_URL (without its trailing slash) and TRUST_PROXY", () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      PORT: "8080",
      PUBLIC_URL: "https://tablee.example.fr/",
      TRUST_PROXY: "2",
      SMTP_URL: "smtp://relais.example.fr:25",
    });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe("https://tablee.example.fr");
    expect(config.trustProxy).toBe(2);
    expect(config.smtpUrl).toBe("smtp://relais.example.fr:25");
    expect(loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: "false" }).trustProxy).toBe(false);
    expect(loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: "TRUE" }).trustProxy).toBe(true);
    expect(loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: "10.0.0.1, 10.0.0.2" }).trustProxy).toBe("10.0.0.1, 10.0.0.2");
  });
});

describe("loadConfig errors name the variable, in French", () => {
  it.each(["abc", "0", "70000", "3.5"])("PORT=%s", (port) => {
    const message = configError({ DATA_DIR: tempDir(), PORT: port });
    expect(message).toMatch(/^Configuration invalide :/);
    expect(message).toMatch(/- PORT : /);
    expect(message).not.toMatch(englishZod);
  });

  it("DATABASE_URL that is not a PostgreSQL address", () => {
    const message = configError({ DATABASE_URL: "mysql://db/tablee", SESSION_SECRET: SECRET });
    expect(message).toContain("DATABASE_URL : doit commencer par postgres:// ou postgresql://");
  });

  it("PUBLIC_URL that is not a full address", () => {
    const message = configError({ DATA_DIR: tempDir(), PUBLIC_URL: "tablee.example.fr" });
    expect(message).toMatch(/PUBLIC_URL : doit être une adresse complète/);
  });

  it("several wrong variables at once, each on its own line", () => {
    const message = configError({ DATA_DIR: tempDir(), PORT: "abc", PUBLIC_URL: "nope", SMTP_URL: "http://relais" });
    const lines = message.split("\n").filter((line) => line.startsWith("  - "));
    expect(lines.map((line) => line.split(" : ")[0]!.slice(4)).sort()).toEqual(["PORT", "PUBLIC_URL", "SMTP_URL"]);
    expect(message).toContain("SMTP_URL : doit commencer par smtp:// ou smtps://");
  });

  it("MAIL_POLL_SECONDS: whole seconds from 1 to 3600", () => {
    expect(loadConfig({ DATA_DIR: tempDir(), MAIL_POLL_SECONDS: "5" }).mailPollSeconds).toBe(5);
    for (const value of ["0", "2.5", "une minute", "7200"]) {
      const message = configError({ DATA_DIR: tempDir(), MAIL_POLL_SECONDS: value });
      expect(message).toContain("- MAIL_POLL_SECONDS : attendu : un nombre entier de secondes, de 1 à 3600");
      expect(message).not.toMatch(englishZod);
    }
  });

  it("NODE_ENV, LOG_LEVEL and TABLEE_DEMO outside their choices", () => {
    const wrong: Array<Record<string, string>> = [{ NODE_ENV: "staging" }, { LOG_LEVEL: "verbose" }, { TABLEE_DEMO: "yes" }];
    for (const env of wrong) {
      const message = configError({ DATA_DIR: tempDir(), ...env });
      expect(message).toContain(`- ${Object.keys(env)[0]} : `);
      expect(message).not.toMatch(englishZod);
    }
  });

  it("SESSION_SECRET is required with DATABASE_URL, and must be long enough", () => {
    const dataDir = tempDir();
    expect(configError({ DATABASE_URL: PG, DATA_DIR: dataDir })).toMatch(/SESSION_SECRET : obligatoire avec DATABASE_URL/);
    expect(existsSync(path.join(dataDir, "session-secret"))).toBe(false);
    expect(configError({ DATABASE_URL: PG, SESSION_SECRET: "court" })).toMatch(/SESSION_SECRET : doit faire au moins 32 caractères/);
  });
});

describe("the embedded default's session secret", () => {
  it("is generated once, stored in DATA_DIR readable by its owner only, and reused on the next start", () => {
    const dataDir = path.join(tempDir(), "nouveau", "dossier");
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = path.join(dataDir, "session-secret");
    expect(first.sessionSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(file, "utf8").trim()).toBe(first.sessionSecret);
    expect(statSync(file).mode & 0o077).toBe(0);
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.sessionSecret).toBe(first.sessionSecret);
  });

  it("differs between two data folders", () => {
    expect(loadConfig({ DATA_DIR: tempDir() }).sessionSecret).not.toBe(loadConfig({ DATA_DIR: tempDir() }).sessionSecret);
  });

  it("is not generated when SESSION_SECRET is given", () => {
    const dataDir = tempDir();
    expect(loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: SECRET }).sessionSecret).toBe(SECRET);
    expect(existsSync(path.join(dataDir, "session-secret"))).toBe(false);
  });
});
