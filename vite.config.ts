import { vitePlugin as remix } from "@remix-run/dev";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Groups of tests TABLEE_TEST_SKIP may leave out (comma-separated). CI (.ci/run) runs the unit tests and all the
 * server-side tests on PGlite, and everything but the unit tests on PostgreSQL, browser tests included: every test
 * runs, the server-side ones on both databases, in under 20 minutes on a 2-core machine. `npm test` runs them all.
 */
const TEST_GROUPS: Record<string, string[]> = {
  unit: ["tests/unit/**"],
  browser: ["tests/e2e/**", "tests/security/xss.test.ts"],
};
const skippedTests = (process.env.TABLEE_TEST_SKIP ?? "")
  .split(",")
  .map((group) => group.trim())
  .filter(Boolean)
  .flatMap((group) => {
    const globs = TEST_GROUPS[group];
    if (!globs) throw new Error(`TABLEE_TEST_SKIP : groupe inconnu « ${group} » (connus : ${Object.keys(TEST_GROUPS).join(", ")})`);
    return globs;
  });

export default defineConfig({
  // Under vitest the Remix plugin is left out: tests import modules directly and run against the built app.
  plugins: process.env.VITEST
    ? []
    : [
        remix({
          buildDirectory: process.env.TABLEE_BUILD_DIR ?? "build",
          ignoredRouteFiles: ["**/*.test.*"],
          future: {
            v3_fetcherPersist: true,
            v3_relativeSplatPath: true,
            v3_throwAbortReason: true,
            v3_singleFetch: true,
            v3_lazyRouteDiscovery: true,
          },
        }),
      ],
  build: { target: "es2022" },
  // Development only. Remix 2 (without its unstable_optimizeDeps flag) gives Vite no entries to scan, so each
  // route's packages were found on its first visit and Vite re-optimised and reloaded the page (TipTap, Yjs
  // and socket.io-client on the first visit to a note). Scanning the client entry and the routes pre-bundles
  // them all when the server starts.
  optimizeDeps: {
    entries: ["app/entry.client.tsx", "app/root.tsx", "app/routes/*.tsx"],
    // The scan also walks server-only modules: @node-rs/argon2's browser build needs a WebAssembly package we
    // do not install, and that error made every optimisation fail.
    exclude: ["@node-rs/argon2"],
  },
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...skippedTests],
    globalSetup: ["tests/support/global-setup.ts"],
    pool: "forks",
    // Test files of one worker share its modules (each file still starts its own app and database): loading the
    // app's modules again for every file took ~90 s of a run's 220 in unit and integration tests alone.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
