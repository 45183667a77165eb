import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Socket } from "socket.io-client";
import { openSocket } from "../support/collab.ts";
import { HttpClient, type HttpResponse } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";
import { discoverRoutes, discoverSocketEvents } from "./discovery.ts";
import { CALLERS, eventPolicies, routePolicies, type Caller, type EventOutcome, type Outcome } from "./policy.ts";
import {
  changedTables,
  databaseFingerprint,
  intentsIn,
  leakedMarkers,
  notFrench,
  prepareSecurityFixture,
  urlFor,
  type SecurityFixture,
} from "./support.ts";

/**
 * Issue 7, point 1: every route (loaders and actions) and every socket.io
 * event, called by every kind of caller, answers as tests/security/policy.ts
 * declares; no answer to an outsider carries the other network's data; a
 * refused action writes nothing.
 */

const routes = await discoverRoutes();
const events = await discoverSocketEvents();
const OUTSIDERS: Caller[] = ["anonymous", "otherNetwork", "deactivated"];

let app: TestApp;
let fixture: SecurityFixture;
let requests = 0;

beforeAll(async () => {
  app = await startTestApp();
  fixture = await prepareSecurityFixture(app.database.db, app.url, CALLERS, app.uploadDir);
});
afterAll(async () => {
  console.log(`Matrice des permissions : ${requests} requêtes HTTP sur ${routes.length} routes, ${events.length} événements socket.io.`);
  await app?.close();
});

function outcomeOf(response: HttpResponse): Outcome | "5xx" | number {
  if (response.status >= 500) return "5xx";
  if ((response.status === 302 || response.status === 303) && response.location?.startsWith("/connexion")) return "sign-in";
  if (response.status === 401 || response.status === 403 || response.status === 404) return response.status;
  return "allowed";
}

function judge(expected: Outcome, response: HttpResponse): string | null {
  const actual = outcomeOf(response);
  if (actual === "5xx") return `erreur ${response.status}`;
  if (expected === "any" || actual === expected) return null;
  return `attendu ${expected}, obtenu ${actual} (${response.status}${response.location ? ` → ${response.location}` : ""})`;
}

/** Everything wrong with one answer: outcome, language of a refusal, leaked data. */
function problems(caller: Caller, expected: Outcome, response: HttpResponse): string[] {
  const found: string[] = [];
  const verdict = judge(expected, response);
  if (verdict) found.push(verdict);
  if (response.status >= 400) {
    const language = notFrench(response.text, response.headers.get("content-type"));
    if (language) found.push(`refus ${response.status} ${language}`);
  }
  const markers = OUTSIDERS.includes(caller) ? fixture.markers.valParisis : fixture.markers.paysHaut;
  const leaked = leakedMarkers(response.text + (response.location ?? ""), markers);
  if (leaked.length) found.push(`données d'un autre réseau : ${leaked.slice(0, 3).join(" ; ")}`);
  return found;
}

async function send(client: HttpClient, path: string, body?: Record<string, string>): Promise<HttpResponse> {
  requests++;
  return body ? client.post(path, body) : client.get(path);
}

describe("policy table", () => {
  it("has an entry for every route of the build, and none for a route that no longer exists", () => {
    const missing = routes.filter((route) => !routePolicies[route.id]).map((route) => `${route.id} (${route.pattern})`);
    expect(
      missing,
      "Ces routes n'ont pas d'entrée dans tests/security/policy.ts (routePolicies) : déclarez qui peut les lire (GET) et les soumettre (POST).",
    ).toEqual([]);
    const withoutPostRule = routes.filter((route) => route.hasAction && routePolicies[route.id] && !routePolicies[route.id]!.post).map((route) => route.id);
    expect(withoutPostRule, "Ces routes ont une action mais pas de règle `post` dans tests/security/policy.ts.").toEqual([]);
    const known = new Set(routes.map((route) => route.id));
    expect(Object.keys(routePolicies).filter((id) => !known.has(id)), "Entrées de policy.ts pour des routes disparues : retirez-les.").toEqual([]);
  });

  it("has an entry for every socket.io event a client may send", () => {
    expect(events.filter((event) => !eventPolicies[event]), "Ces événements socket.io n'ont pas d'entrée dans tests/security/policy.ts (eventPolicies).").toEqual([]);
  });
});

describe("routes", () => {
  for (const route of routes) {
    const policy = routePolicies[route.id];
    if (!policy) continue;
    it(`${route.id} (${route.pattern})`, async () => {
      const url = urlFor(route, fixture.ids);
      const failures: string[] = [];
      for (const caller of CALLERS) {
        const response = await send(fixture.clients[caller], url);
        for (const problem of problems(caller, policy.get[caller], response)) failures.push(`GET ${url} par ${caller} : ${problem}`);
      }
      if (route.hasAction && policy.post) {
        const page = await send(fixture.clients.coordinator, url);
        const probes = [{}, ...intentsIn(page.text).map((intent) => ({ intent }))];
        for (const caller of CALLERS) {
          // A sign-out action would end the shared sessions: a fresh anonymous client stands in for everyone.
          const client = policy.endsSession ? new HttpClient(app.url) : fixture.clients[caller];
          const expected = policy.post[caller];
          const refused = expected !== "allowed" && expected !== "any";
          // Callers an intent lets in may write: the fingerprint check applies when every probe is refused to them.
          const anyIntentOpen = Object.values(policy.intents ?? {}).some((rule) => rule[caller] === "allowed" || rule[caller] === "any");
          const before = refused && !anyIntentOpen ? await databaseFingerprint(app.database.db) : null;
          for (const [index, body] of probes.entries()) {
            const response = await send(client, url, body);
            // Past the gate, each intent checks its own permission: only the form without intent must pass for the allowed.
            // An intent open to more callers than the form without intent (commenting a note one may not edit) says so.
            const intentRule = "intent" in body ? policy.intents?.[String(body.intent)] : undefined;
            const judged: Outcome = intentRule ? intentRule[caller] : index === 0 || refused ? expected : "any";
            for (const problem of problems(caller, judged, response)) failures.push(`POST ${url} ${JSON.stringify(body)} par ${caller} : ${problem}`);
          }
          if (before) {
            const changed = changedTables(before, await databaseFingerprint(app.database.db));
            if (changed.length) failures.push(`POST ${url} refusé à ${caller} mais tables modifiées : ${changed.join(", ")}`);
          }
        }
      }
      for (const { label, fields, rule } of policy.submissions ?? []) {
        for (const caller of CALLERS) {
          const refused = rule[caller] !== "allowed" && rule[caller] !== "any";
          const before = refused ? await databaseFingerprint(app.database.db) : null;
          const response = await send(fixture.clients[caller], url, fields);
          for (const problem of problems(caller, rule[caller], response)) failures.push(`POST ${url} (${label}) par ${caller} : ${problem}`);
          if (before) {
            const changed = changedTables(before, await databaseFingerprint(app.database.db));
            if (changed.length) failures.push(`POST ${url} (${label}) refusé à ${caller} mais tables modifiées : ${changed.join(", ")}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

describe("JSON API with personal tokens", () => {
  const apiRoutes = routes.filter((route) => route.pattern.startsWith("/api/v1/") && route.hasLoader);
  it("has a token rule for every versioned API route that answers GET with data", () => {
    const open = new Set(["routes/api.v1.openapi[.]json", "routes/api.v1.$"]);
    const missing = apiRoutes.filter((route) => !open.has(route.id) && !routePolicies[route.id]?.token).map((route) => route.id);
    expect(missing, "Ces routes de l'API n'ont pas de règle `token` dans tests/security/policy.ts.").toEqual([]);
  });
  for (const route of apiRoutes) {
    const rule = routePolicies[route.id]?.token;
    if (!rule) continue;
    it(`${route.id} (${route.pattern})`, async () => {
      const url = urlFor(route, fixture.ids);
      const failures: string[] = [];
      for (const caller of CALLERS) {
        const token = fixture.tokens[caller];
        requests++;
        // No cookie: the token alone must decide.
        const response = await new HttpClient(app.url).request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        for (const problem of problems(caller, rule[caller], response)) failures.push(`GET ${url} avec le jeton de ${caller} : ${problem}`);
      }
      expect(failures).toEqual([]);
    });
  }
});

function connect(cookie: string): Promise<{ socket: Socket; refused: boolean }> {
  const socket = openSocket(app.url, cookie);
  return new Promise((resolve) => {
    socket.once("connect", () => resolve({ socket, refused: false }));
    socket.once("connect_error", () => {
      socket.disconnect();
      resolve({ socket, refused: true });
    });
  });
}

describe("socket.io events", () => {
  for (const event of events) {
    const policy = eventPolicies[event];
    if (!policy) continue;
    it(event, async () => {
      const failures: string[] = [];
      for (const caller of CALLERS) {
        const expected: EventOutcome = policy.rule[caller];
        const { socket, refused } = await connect(fixture.clients[caller].cookieHeader);
        try {
          if (refused || expected === "connection-refused") {
            if (refused !== (expected === "connection-refused")) failures.push(`${caller} : connexion ${refused ? "refusée" : "acceptée"}, attendu ${expected}`);
            continue;
          }
          // What a page does first, so that the event under test is sent with whatever rights the caller can get.
          if (event !== "doc:join" && event !== "agenda:watch") {
            await socket.timeout(5000).emitWithAck("doc:join", { documentId: fixture.ids.documentId, stateVector: Y.encodeStateVector(new Y.Doc()) });
            await socket.timeout(5000).emitWithAck("agenda:watch", { meetingId: fixture.ids.meetingId });
          }
          const before = expected === "no-effect" ? await databaseFingerprint(app.database.db) : null;
          const payload = policy.payload(fixture.ids);
          if (policy.acknowledged) {
            const reply = (await socket.timeout(5000).emitWithAck(event, payload)) as { ok: boolean; error?: string };
            const actual = reply.ok ? "allowed" : "refused";
            if (actual !== expected) failures.push(`${caller} : ${JSON.stringify(reply)}, attendu ${expected}`);
            const leaked = leakedMarkers(JSON.stringify(reply), OUTSIDERS.includes(caller) ? fixture.markers.valParisis : []);
            if (leaked.length) failures.push(`${caller} : données d'un autre réseau dans la réponse`);
          } else {
            socket.emit(event, payload);
            await new Promise((resolve) => setTimeout(resolve, 150));
          }
          if (before && caller === "otherNetwork") {
            const changed = changedTables(before, await databaseFingerprint(app.database.db));
            if (changed.length) failures.push(`${caller} : ${event} a modifié ${changed.join(", ")}`);
          }
        } finally {
          socket.disconnect();
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
