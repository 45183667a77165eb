/**
 * The first step of `npm test`: the tests run against the built app, so build it — unless the build folder was made
 * from the very same sources (a hash of every file the build reads, kept beside it). CI runs the tests twice, once per
 * database, and a developer often runs them again without changing the app: each build skipped is ~30 s.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const buildDir = path.resolve(root, process.env.TABLEE_BUILD_DIR ?? "build");
const stamp = path.join(buildDir, ".sources-hash");
/** What `remix vite:build` reads: the app and what it imports, its static files, its configuration and dependencies. */
const INPUTS = ["app/", "db/", "realtime/", "public/", "patches/", "vite.config.ts", "tsconfig.json", "package.json", "package-lock.json"];

function sourcesHash(): string | null {
  try {
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", ...INPUTS], { cwd: root, encoding: "utf8" })
      .split("\0")
      .filter((file) => file && existsSync(path.join(root, file)))
      .sort();
    const hash = createHash("sha256");
    for (const file of files) hash.update(file).update("\0").update(readFileSync(path.join(root, file))).update("\0");
    return hash.update(process.version).digest("hex");
  } catch {
    return null; // Not a git checkout: build every time.
  }
}

const hash = sourcesHash();
if (hash && existsSync(path.join(buildDir, "server/index.js")) && existsSync(stamp) && readFileSync(stamp, "utf8") === hash) {
  console.log(`Construction à jour (${path.relative(root, buildDir) || "."}) : rien à reconstruire.`);
} else {
  const built = spawnSync("npx", ["remix", "vite:build"], { cwd: root, stdio: "inherit", env: process.env });
  if (built.status !== 0) process.exit(built.status ?? 1);
  if (hash) writeFileSync(stamp, hash);
}
