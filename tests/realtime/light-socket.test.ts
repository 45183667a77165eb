import { WebSocket as NodeWebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LightSocket } from "../../app/components/light-socket.ts";
import { AGENDA_EVENTS, type AgendaWatchReply } from "../../realtime/agenda-protocol.ts";
import { durableStorage, freePort, startChildServer, type ChildServer } from "../support/child-server.ts";
import { sessionCookieFor, waitFor } from "../support/collab.ts";
import { HttpClient } from "../support/http-client.ts";

/**
 * The meeting page's small Socket.IO client against the real server: it connects with the session cookie,
 * watches an agenda, hears changes, survives a server restart by reconnecting on its own, and stops
 * when the server refuses it.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});


/** A browser's WebSocket as Node has it: the page's cookie and origin go with the handshake. */
function browserLikeWebSocket(origin: string, cookie: string) {
  return class extends NodeWebSocket {
    constructor(url: string) {
      super(url, { headers: { cookie, origin } });
    }
  };
}

function socketTo(server: ChildServer): LightSocket {
  const url = new URL("/socket.io/?EIO=4&transport=websocket", server.url);
  url.protocol = "ws:";
  return new LightSocket(url.toString());
}

let env: Record<string, string>;
let port: number;
let server: ChildServer;
const staff = "agent@ccas-ermont.demo.tablee.fr";

beforeAll(async () => {
  env = await durableStorage(cleanups);
  port = await freePort();
  server = await startChildServer(env, port);
  cleanups.push(() => server.stop());
}, 120_000);

describe("LightSocket", { timeout: 120_000 }, () => {
  it("gives up when the server refuses the connection (no session), instead of retrying forever", async () => {
    (globalThis as { WebSocket?: unknown }).WebSocket = browserLikeWebSocket(server.url, "");
    const socket = socketTo(server);
    cleanups.push(() => socket.close());
    const refusals: unknown[] = [];
    socket.on("connect_error", (error: unknown) => refusals.push(error));
    await waitFor(() => refusals.length === 1, 10_000, "refusal");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(refusals).toHaveLength(1);
    expect(socket.connected).toBe(false);
  });

  it("watches an agenda, hears its changes, and reconnects after a server restart", async () => {
    const http = new HttpClient(server.url);
    await http.signIn(staff);
    const list = await http.get("/reseaux/tables-rondes-inter-ccas-du-val-parisis/tables-rondes");
    const meetingPath = list.text.match(/href="(\/reseaux\/[^"]+\/tables-rondes\/[0-9a-f-]{36})"/)![1]!;
    const meetingId = meetingPath.split("/").pop()!;

    (globalThis as { WebSocket?: unknown }).WebSocket = browserLikeWebSocket(server.url, await sessionCookieFor(server.url, staff));
    cleanups.push(() => void delete (globalThis as { WebSocket?: unknown }).WebSocket);
    const socket = socketTo(server);
    cleanups.push(() => socket.close());
    const replies: AgendaWatchReply[] = [];
    const heard: unknown[] = [];
    let connects = 0;
    let disconnects = 0;
    socket.on("connect", () => {
      connects += 1;
      socket.emit(AGENDA_EVENTS.watch, { meetingId }, (reply: AgendaWatchReply) => replies.push(reply));
    });
    socket.on("disconnect", () => (disconnects += 1));
    socket.on(AGENDA_EVENTS.changed, (message: unknown) => heard.push(message));
    await waitFor(() => replies.length === 1, 10_000, "watch acknowledged");
    expect(replies[0]).toEqual({ ok: true });

    await http.post(meetingPath, { intent: "propose", title: "Aide au permis de conduire", kind: "exchange", estimatedMinutes: "20", proposingOrganisationId: "" });
    await waitFor(() => heard.length > 0, 10_000, "agenda change heard");
    expect(heard[0]).toEqual({ meetingId });

    await server.kill();
    await waitFor(() => disconnects === 1 && !socket.connected, 10_000, "disconnection noticed");
    server = await startChildServer({ ...env, TABLEE_DEMO: "0" }, port);
    await waitFor(() => connects === 2 && replies.length === 2, 30_000, "reconnected and watching again");
    expect(replies[1]).toEqual({ ok: true });
    const before = heard.length;
    await http.post(meetingPath, { intent: "propose", title: "Mutuelle communale", kind: "information", estimatedMinutes: "10", proposingOrganisationId: "" });
    await waitFor(() => heard.length > before, 10_000, "change heard after the restart");
  });
});
