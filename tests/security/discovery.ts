import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * What the security suites cover, found rather than listed: the Remix routes of
 * the production build and the socket.io events the realtime server listens to.
 * A feature merged later is picked up here and then needs a policy entry.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The build the test server runs (server.ts reads the same variable). */
const buildDir = path.resolve(root, process.env.TABLEE_BUILD_DIR ?? "build");

export interface DiscoveredRoute {
  id: string;
  /** The URL pattern, parents' segments included: `/reseaux/:slug/annuaire/:organisationId`. */
  pattern: string;
  params: string[];
  hasLoader: boolean;
  hasAction: boolean;
  /** True for routes under /api/: they answer in JSON, anonymous callers with 401. */
  isApi: boolean;
}

interface BuildRoute {
  id: string;
  path?: string;
  parentId?: string;
  index?: boolean;
  module: { loader?: unknown; action?: unknown; default?: unknown };
}

export async function discoverRoutes(): Promise<DiscoveredRoute[]> {
  const build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as { routes: Record<string, BuildRoute> };
  const routes = build.routes;
  const patternOf = (id: string): string => {
    const route = routes[id];
    if (!route) return "";
    const parent = route.parentId ? patternOf(route.parentId) : "";
    return route.path ? `${parent.replace(/\/$/, "")}/${route.path}` : parent;
  };
  return Object.values(routes)
    .filter((route) => route.id !== "root")
    .map((route) => {
      const pattern = patternOf(route.id) || "/";
      return {
        id: route.id,
        pattern,
        params: [...pattern.matchAll(/:(\w+)/g)].map((match) => match[1]!),
        hasLoader: typeof route.module.loader === "function",
        hasAction: typeof route.module.action === "function",
        isApi: pattern.startsWith("/api/"),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The events a client may send: every `socket.on(<name>, …)` in realtime/*.ts,
 * names resolved through the exported event tables (EVENTS, AGENDA_EVENTS…).
 */
export async function discoverSocketEvents(): Promise<string[]> {
  const directory = path.join(root, "realtime");
  const files = readdirSync(directory).filter((file) => file.endsWith(".ts"));
  const tables: Record<string, Record<string, string>> = {};
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(directory, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (value && typeof value === "object" && Object.values(value).every((entry) => typeof entry === "string")) {
        tables[name] = value as Record<string, string>;
      }
    }
  }
  const events = new Set<string>();
  for (const file of files) {
    const source = readFileSync(path.join(directory, file), "utf8");
    for (const match of source.matchAll(/\bsocket\.on\(\s*(?:(\w+)\.(\w+)|["'`]([^"'`]+)["'`])/g)) {
      const name = match[3] ?? tables[match[1]!]?.[match[2]!];
      if (!name) throw new Error(`Événement socket.io introuvable dans ${file} : ${match[0]} (table d'événements non exportée ?)`);
      if (name !== "disconnect" && name !== "disconnecting" && name !== "error") events.add(name);
    }
  }
  return [...events].sort();
}
