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
