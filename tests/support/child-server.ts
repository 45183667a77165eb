import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { backend, createTestDatabase } from "./database.ts";

const root = path.resolve(import.meta.dirname, "../..");

/** A free TCP port on loopback, so that a restarted server keeps its address. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** SIGKILL: no shutdown handler runs, nothing is flushed. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs the real `server.ts` in its own process, as production would. */
export async function startChildServer(env: Record<string, string>, port: number, nodeArgs: string[] = []): Promise<ChildServer> {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      ...(process.env.TABLEE_BUILD_DIR ? { TABLEE_BUILD_DIR: process.env.TABLEE_BUILD_DIR } : {}),
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      SESSION_SECRET: "child-secret-child-secret-child-secret-01",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Le serveur n'a pas démarré :\n${output}`)), 60_000);
    const check = () => {
      if (output.includes("Tablée est prête")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Le serveur s'est arrêté (code ${code}) :\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Storage that survives a child server process: a PGlite folder (seeded by the server on first start), or a
 * PostgreSQL copy of the demo database. `cleanups` receives what disposes of it.
 */
export async function durableStorage(cleanups: Array<() => Promise<void> | void>): Promise<Record<string, string>> {
  if (backend === "postgres") {
    const handle = await createTestDatabase();
    cleanups.push(() => handle.close());
    return { DATABASE_URL: handle.url!, TABLEE_DEMO: "0" };
  }
  const directory = mkdtempSync(path.join(tmpdir(), "tablee-child-"));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return { DATA_DIR: directory, TABLEE_DEMO: "1" };
}
