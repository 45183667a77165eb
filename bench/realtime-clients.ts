import { io as connect, type Socket } from "socket.io-client";
import * as Y from "yjs";
import { SocketIOProvider } from "../realtime/client/provider.ts";

/**
 * Part of bench/realtime.ts: a share of the measuring clients, in its own process, so that applying every update in
 * 50 Y.Docs does not saturate one process and the figures measure the server rather than the clients. Talks to the
 * bench over IPC: "ready" once its clients are connected (and synced, for Tablée), then for each "drive" command,
 * edits for the given time and answers with what it sent and what its clients received, in epoch milliseconds
 * (performance.timeOrigin + performance.now(): one clock for every process of the machine).
 */

export interface ClientsTask {
  mode: "relay" | "tablee";
  url: string;
  cookie?: string;
  documentId?: string;
  /** Indexes of this process's clients among all of them. */
  from: number;
  to: number;
  rate: number;
}

export type ClientsCommand = { command: "drive"; startAt: number; seconds: number } | { command: "stop" };

export interface PhaseReport {
  /** "sender:sequence" → when it was sent. */
  sent: Record<string, number>;
  /** "sender:sequence" → how many of this process's clients applied it, and when the last one did. */
  received: Record<string, [count: number, lastAt: number]>;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Client {
  index: number;
  doc: Y.Doc;
  socket: Socket;
  provider?: SocketIOProvider;
}

async function openClients(task: ClientsTask): Promise<Client[]> {
  const clients: Client[] = [];
  for (let index = task.from; index < task.to; index++) {
    if (task.mode === "tablee") {
      const socket = connect(task.url, { transports: ["websocket"], extraHeaders: { cookie: task.cookie!, origin: task.url }, forceNew: true, timeout: 60_000 });
      const doc = new Y.Doc();
      clients.push({ index, doc, socket, provider: new SocketIOProvider({ socket, documentId: task.documentId!, doc }) });
    } else {
      const socket = connect(task.url, { transports: ["websocket"], forceNew: true, timeout: 60_000 });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      await socket.emitWithAck("join", "bench");
      const doc = new Y.Doc();
      doc.on("update", (update: Uint8Array, origin: unknown) => {
        if (origin !== "remote") socket.emit("update", "bench", update);
      });
      socket.on("update", (update: ArrayBuffer) => Y.applyUpdate(doc, new Uint8Array(update), "remote"));
      clients.push({ index, doc, socket });
    }
  }
  while (!clients.every((client) => !client.provider || client.provider.current.synced)) await sleep(50);
  return clients;
}

/** Each client writes probe[its index] = [sequence, sentAt] with some typed text; the others note when they see it. */
async function drive(clients: Client[], task: ClientsTask, startAt: number, seconds: number): Promise<PhaseReport> {
  const report: PhaseReport = { sent: {}, received: {} };
  const lastSeen = new Map<string, number>();
  const observers = clients.map((client) => {
    const probe = client.doc.getMap<[number, number]>("probe");
    const observer = (event: Y.YMapEvent<[number, number]>) => {
      if (event.transaction.local && event.transaction.origin === null) return;
      const at = now();
      for (const sender of event.keysChanged) {
        if (Number(sender) === client.index) continue;
        const [sequence] = probe.get(sender)!;
        // Updates of one sender arrive in order: a skipped sequence was applied in this same transaction or before.
        const seenKey = `${client.index}>${sender}`;
        for (let seen = (lastSeen.get(seenKey) ?? 0) + 1; seen <= sequence; seen++) {
          const key = `${sender}:${seen}`;
          const entry = report.received[key];
          if (entry) {
            entry[0] += 1;
            entry[1] = Math.max(entry[1], at);
          } else report.received[key] = [1, at];
        }
        lastSeen.set(seenKey, sequence);
      }
    };
    probe.observe(observer);
    return () => probe.unobserve(observer);
  });
  // A later phase on the same documents counts from where the previous one stopped.
  for (const client of clients) {
    const probe = client.doc.getMap<[number, number]>("probe");
    for (const [sender, [sequence]] of probe.entries()) lastSeen.set(`${client.index}>${sender}`, sequence);
  }
  const interval = 1000 / task.rate;
  const stopAt = startAt + seconds * 1000;
  await sleep(Math.max(0, startAt - now()));
  await Promise.all(
    clients.map(async (client) => {
      await sleep(Math.random() * interval);
      const probe = client.doc.getMap<[number, number]>("probe");
      let sequence = probe.get(String(client.index))?.[0] ?? 0;
      while (now() < stopAt) {
        sequence += 1;
        const sentAt = now();
        report.sent[`${client.index}:${sequence}`] = sentAt;
        client.doc.transact(() => {
          const text = client.doc.getText("body");
          text.insert(Math.floor(Math.random() * (text.length + 1)), "mot ");
          probe.set(String(client.index), [sequence, sentAt]);
        });
        await sleep(interval);
      }
    }),
  );
  await sleep(2000);
  for (const unobserve of observers) unobserve();
  return report;
}

async function main() {
  const task = await new Promise<ClientsTask>((resolve) => process.once("message", (message) => resolve(message as ClientsTask)));
  const clients = await openClients(task);
  process.send!({ ready: true });
  process.on("message", async (message: ClientsCommand) => {
    if (message.command === "drive") {
      const report = await drive(clients, task, message.startAt, message.seconds);
      process.send!({ report });
    } else {
      for (const client of clients) {
        client.provider?.destroy();
        client.socket.close();
      }
      process.exit(0);
    }
  });
}

void main();
