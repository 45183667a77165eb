import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENDA_EVENTS, type AgendaChangedMessage, type AgendaWatchReply } from "../../realtime/agenda-protocol.ts";
import { openSocket, sessionCookieFor, waitFor } from "../support/collab.ts";
import { demoEmail, ERMONT, FRANCONVILLE, loadDemoNetworks, orgId, visibleText, type DemoNetwork } from "../support/fixtures.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestApp, type TestApp } from "../support/server.ts";

/** Two real socket.io clients watching one meeting see each other's agenda changes, and outsiders see nothing. */

let app: TestApp;
let valParisis: DemoNetwork;
let meetingId: string;
let pastMeetingId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  app = await startTestApp();
  ({ valParisis } = await loadDemoNetworks(app.database.db));
  const meetings = await app.database.db.selectFrom("meetings").select(["id", "hostOrganisationId"]).where("networkId", "=", valParisis.id).execute();
  meetingId = meetings.find((meeting) => meeting.hostOrganisationId === orgId(valParisis, FRANCONVILLE))!.id;
  pastMeetingId = meetings.find((meeting) => meeting.hostOrganisationId === orgId(valParisis, ERMONT))!.id;
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await app?.close();
});

interface Watcher {
  socket: Socket;
  heard: AgendaChangedMessage[];
  reply: AgendaWatchReply;
}

async function watch(email: string, id = meetingId): Promise<Watcher> {
  const socket = openSocket(app.url, await sessionCookieFor(app.url, email));
  sockets.push(socket);
  const heard: AgendaChangedMessage[] = [];
  socket.on(AGENDA_EVENTS.changed, (message: AgendaChangedMessage) => heard.push(message));
  const reply: AgendaWatchReply = await socket.timeout(10_000).emitWithAck(AGENDA_EVENTS.watch, { meetingId: id });
  return { socket, heard, reply };
}

async function signedIn(email: string): Promise<HttpClient> {
  const client = new HttpClient(app.url);
  await client.signIn(email);
  return client;
}

const page = () => `/reseaux/${valParisis.slug}/tables-rondes/${meetingId}`;

describe("live agenda", () => {
  it("tells both watchers when either one proposes, supports, accepts or moves an item, and the page then shows it", async () => {
    const staff = await watch(demoEmail("val-parisis", "staff", ERMONT));
    const host = await watch(demoEmail("val-parisis", "director", FRANCONVILLE));
    const elsewhere = await watch(demoEmail("val-parisis", "elected", ERMONT), pastMeetingId);
    expect([staff.reply, host.reply, elsewhere.reply]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);

    const staffHttp = await signedIn(demoEmail("val-parisis", "staff", ERMONT));
    const hostHttp = await signedIn(demoEmail("val-parisis", "director", FRANCONVILLE));
    await staffHttp.post(page(), { intent: "propose", title: "Plan grand froid", kind: "information", estimatedMinutes: "15" });
    await waitFor(() => staff.heard.length === 1 && host.heard.length === 1, 5000, "proposition entendue des deux côtés");
    expect(host.heard[0]).toEqual({ meetingId });
    expect(visibleText((await hostHttp.get(page())).text)).toContain("Plan grand froid");

    const item = await app.database.db.selectFrom("agendaItems").selectAll().where("title", "=", "Plan grand froid").executeTakeFirstOrThrow();
    await hostHttp.post(page(), { intent: "support", itemId: item.id });
    await hostHttp.post(page(), { intent: "accept", itemId: item.id, version: String(item.version) });
    await hostHttp.post(page(), { intent: "move", itemId: item.id, direction: "up" });
    await waitFor(() => staff.heard.length === 4 && host.heard.length === 4, 5000, "soutien, décision et déplacement entendus");
    const seen = visibleText((await staffHttp.get(page())).text);
    expect(seen).toMatch(/Plan grand froid Information Retenu 15 min .*1 soutien/);

    // A refused action changes nothing and tells nobody.
    await staffHttp.post(page(), { intent: "move", itemId: item.id, direction: "up" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(staff.heard).toHaveLength(4);
    // Watchers of another meeting hear nothing of this one.
    expect(elsewhere.heard).toEqual([]);
  });

  it("refuses to let a member of another network, or a malformed request, watch the meeting", async () => {
    const outsider = await watch(demoEmail("pays-haut", "coordinator"));
    expect(outsider.reply).toEqual({ ok: false, error: "not-found" });
    const reply: AgendaWatchReply = await outsider.socket.timeout(5000).emitWithAck(AGENDA_EVENTS.watch, { meetingId: "pas-un-identifiant" });
    expect(reply).toEqual({ ok: false, error: "invalid" });
    await (await signedIn(demoEmail("val-parisis", "staff", ERMONT))).post(page(), {
      intent: "propose",
      title: "Point confidentiel",
      kind: "information",
      estimatedMinutes: "5",
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(outsider.heard).toEqual([]);
  });
});
