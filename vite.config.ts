import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vitest/config";

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
    globalSetup: ["tests/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
