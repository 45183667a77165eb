/**
 * npm run bench:realtime — co-editing latency and memory, Tablée against a
 * bare socket.io relay measured in the same run on the same machine.
 *
 * 50 clients edit one document, 5 updates per second each, for 30 s; for each
 * update we time how long until every other client has applied it. Then the
 * same while another client repeatedly loads a 10 MB document. Then the
 * server's memory per open document and per connection. The server and the
 * relay each run in their own process; the clients run here.
 *
 * Environment: BENCH_CLIENTS (50), BENCH_SECONDS (30), BENCH_RATE (5 per second),
 * BENCH_BIG_MB (10), DATABASE_URL (PostgreSQL instead of a temporary PGlite folder).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import * as Y from "yjs";
import { createDb, type DatabaseHandle } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { seedDemo } from "../db/seed/demo.ts";
import { createDocument } from "../app/features/documents/documents.server.ts";
import { SocketIOProvider } from "../realtime/client/provider.ts";
import { EVENTS } from "../realtime/protocol.ts";
import { freePort, startChildServer } from "../tests/support/child-server.ts";
import { HttpClient } from "../tests/support/http-client.ts";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 5);
const BIG_MB = Number(process.env.BENCH_BIG_MB ?? 10);
const MEMORY_SAMPLE = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Latency tracker: an update counts as delivered when every other client has applied it. */
class Deliveries {
  private readonly pending = new Map<string, { sentAt: number; remaining: number }>();
  readonly latencies: number[] = [];
  sent(key: string, receivers: number) {
    this.pending.set(key, { sentAt: performance.now(), remaining: receivers });
  }
  received(key: string) {
    const entry = this.pending.get(key);
    if (!entry) return;
    entry.remaining -= 1;
    if (entry.remaining === 0) {
      this.latencies.push(performance.now() - entry.sentAt);
      this.pending.delete(key);
    }
  }
  get lost() {
    return this.pending.size;
  }
}

interface Participant {
  doc: Y.Doc;
  socket: Socket;
  index: number;
}

/** Each client sets probe[its index] = sequence along with some typed text; receivers watch the probe map. */
function instrument(participants: Participant[], deliveries: Deliveries) {
  for (const participant of participants) {
    participant.doc.getMap<number>("probe").observe((event) => {
      if (!event.transaction.local || event.transaction.origin !== null) {
        for (const key of event.keysChanged) {
          if (Number(key) !== participant.index) deliveries.received(`${key}:${participant.doc.getMap<number>("probe").get(key)}`);
        }
      }
    });
  }
}

async function drive(participants: Participant[], deliveries: Deliveries, seconds: number) {
  const interval = 1000 / RATE;
  const stopAt = performance.now() + seconds * 1000;
  await Promise.all(
    participants.map(async (participant) => {
      await sleep(Math.random() * interval);
      let sequence = 0;
      while (performance.now() < stopAt) {
        sequence += 1;
        deliveries.sent(`${participant.index}:${sequence}`, participants.length - 1);
        participant.doc.transact(() => {
          const text = participant.doc.getText("body");
          text.insert(Math.floor(Math.random() * (text.length + 1)), "mot ");
          participant.doc.getMap<number>("probe").set(String(participant.index), sequence);
        });
        await sleep(interval);
      }
    }),
  );
  await sleep(2000);
}

function bigDocumentState(megabytes: number): Uint8Array {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment("default");
  const paragraph = "Le CCAS a organisé le portage de repas à domicile avec deux agents et un véhicule partagé. ".repeat(6);
  const count = Math.ceil((megabytes * 1024 * 1024) / paragraph.length);
  doc.transact(() => {
    const nodes: Y.XmlElement[] = [];
    for (let index = 0; index < count; index++) {
      const element = new Y.XmlElement("paragraph");
      element.insert(0, [new Y.XmlText(paragraph)]);
      nodes.push(element);
    }
    fragment.insert(0, nodes);
  });
  return Y.encodeStateAsUpdate(doc);
}

async function prepareStorage(): Promise<{ env: Record<string, string>; documentId: string; bigDocumentId: string; memoryDocuments: string[]; cleanup: () => void }> {
  let handle: DatabaseHandle;
  let env: Record<string, string>;
  let directory: string | undefined;
  if (process.env.DATABASE_URL) {
    handle = await createDb({ databaseUrl: process.env.DATABASE_URL });
    env = { DATABASE_URL: process.env.DATABASE_URL, TABLEE_DEMO: "0" };
  } else {
    directory = mkdtempSync(path.join(tmpdir(), "tablee-bench-"));
    handle = await createDb({ dataDir: path.join(directory, "pglite") });
    env = { DATA_DIR: directory, TABLEE_DEMO: "0" };
  }
  const { db } = handle;
  await migrateToLatest(db);
  await seedDemo(db);
  const network = await db.selectFrom("networks").select("id").where("slug", "like", "tables-rondes%").executeTakeFirstOrThrow();
  const document = await createDocument(db, { networkId: network.id, kind: "minutes", title: "Compte rendu (bench)", createdBy: null });
  const big = await createDocument(db, { networkId: network.id, kind: "wiki", title: `Document de ${BIG_MB} Mo (bench)`, createdBy: null });
  const state = bigDocumentState(BIG_MB);
  await db
    .insertInto("documentSnapshots")
    .values({ documentId: big.id, state: Buffer.from(state), lastUpdateId: 0, contentJson: { type: "doc" }, contentHtml: "", contentText: "" })
    .execute();
  const memoryDocuments: string[] = [];
  for (let index = 0; index < MEMORY_SAMPLE; index++) {
    memoryDocuments.push((await createDocument(db, { networkId: network.id, kind: "note", title: `Mémoire ${index}`, createdBy: null })).id);
  }
  await handle.close();
  return { env, documentId: document.id, bigDocumentId: big.id, memoryDocuments, cleanup: () => directory && rmSync(directory, { recursive: true, force: true }) };
}

function openSocket(url: string, cookie: string): Socket {
  return connect(url, { transports: ["websocket"], extraHeaders: { cookie, origin: url }, forceNew: true, timeout: 60_000 });
}

async function connected(socket: Socket) {
  if (!socket.connected) await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

async function measureTablee(url: string, cookie: string, documentId: string, bigDocumentId: string) {
  const participants: Participant[] = [];
  const providers: SocketIOProvider[] = [];
  for (let index = 0; index < CLIENTS; index++) {
    const socket = openSocket(url, cookie);
    const doc = new Y.Doc();
    providers.push(new SocketIOProvider({ socket, documentId, doc }));
    participants.push({ doc, socket, index });
  }
  while (!providers.every((provider) => provider.current.synced)) await sleep(50);
  const idle = new Deliveries();
  instrument(participants, idle);
  await drive(participants, idle, SECONDS);

  const loaded = new Deliveries();
  instrument(participants, loaded);
  const loader = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "load-big-document.ts"), url, cookie, bigDocumentId], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let loaderOutput = "";
  loader.stdout!.on("data", (chunk) => (loaderOutput += chunk));
  const loaderDone = new Promise<void>((resolve) => loader.once("exit", () => resolve()));
  await sleep(2000);
  await drive(participants, loaded, SECONDS);
  loader.kill("SIGTERM");
  await loaderDone;
  const loads = Number(/loads (\d+)/.exec(loaderOutput)?.[1] ?? 0);
  for (const provider of providers) provider.destroy();
  for (const participant of participants) participant.socket.close();
  return { idle, loaded, loads };
}

async function measureRelay(url: string) {
  const participants: Participant[] = [];
  for (let index = 0; index < CLIENTS; index++) {
    const socket = connect(url, { transports: ["websocket"], forceNew: true, timeout: 60_000 });
    await connected(socket);
    await socket.emitWithAck("join", "bench");
    const doc = new Y.Doc();
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin !== "remote") socket.emit("update", "bench", update);
    });
    socket.on("update", (update: ArrayBuffer) => Y.applyUpdate(doc, new Uint8Array(update), "remote"));
    participants.push({ doc, socket, index });
  }
  const deliveries = new Deliveries();
  instrument(participants, deliveries);
  await drive(participants, deliveries, SECONDS);
  for (const participant of participants) participant.socket.close();
  return deliveries;
}

async function measureMemory(url: string, cookie: string, pid: number, documents: string[]) {
  await sleep(1500);
  const before = rssKb(pid);
  const sockets = documents.map(() => openSocket(url, cookie));
  await Promise.all(sockets.map(connected));
  await sleep(1500);
  const withConnections = rssKb(pid);
  await Promise.all(
    sockets.map((socket, index) => {
      const doc = new Y.Doc();
      doc.getText("body").insert(0, "Ordre du jour : accueil, tour de table, veille réglementaire, questions diverses. ".repeat(20));
      return socket
        .timeout(30_000)
        .emitWithAck(EVENTS.join, { documentId: documents[index], stateVector: Y.encodeStateVector(new Y.Doc()) })
        .then(() => socket.timeout(30_000).emitWithAck(EVENTS.update, { documentId: documents[index], update: Y.encodeStateAsUpdate(doc) }));
    }),
  );
  await sleep(1500);
  const withDocuments = rssKb(pid);
  for (const socket of sockets) socket.close();
  return {
    perConnectionKb: (withConnections - before) / sockets.length,
    perDocumentKb: (withDocuments - withConnections) / documents.length,
  };
}

async function main() {
  console.log(`Préparation : ${CLIENTS} clients, ${RATE} modifications/s chacun, ${SECONDS} s par mesure, document de ${BIG_MB} Mo…`);
  const storage = await prepareStorage();
  const tableePort = await freePort();
  const server = await startChildServer(storage.env, tableePort);
  const relayPort = await freePort();
  const relay = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "relay-server.ts")], {
    env: { ...process.env, PORT: String(relayPort) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => relay.stdout!.on("data", (chunk) => String(chunk).includes("listening") && resolve()));
  try {
    const http = new HttpClient(server.url);
    const signedIn = await http.signIn("direction@ccas-ermont.demo.tablee.fr");
    if (signedIn.status !== 302) throw new Error("Connexion du compte de démonstration impossible");
    const cookie = http.cookieHeader;

    console.log("Mesure : relais socket.io nu…");
    const relayResult = await measureRelay(`http://127.0.0.1:${relayPort}`);
    console.log("Mesure : Tablée, au repos puis pendant le chargement du gros document…");
    const tablee = await measureTablee(server.url, cookie, storage.documentId, storage.bigDocumentId);
    console.log("Mesure : mémoire du serveur par connexion et par document ouvert…");
    const memory = await measureMemory(server.url, cookie, server.process.pid!, storage.memoryDocuments);

    const figures = {
      clients: CLIENTS,
      updates_per_second_per_client: RATE,
      seconds: SECONDS,
      p50_ms: round(percentile(tablee.idle.latencies, 50)),
      p99_ms: round(percentile(tablee.idle.latencies, 99)),
      relay_p50_ms: round(percentile(relayResult.latencies, 50)),
      relay_p99_ms: round(percentile(relayResult.latencies, 99)),
      p99_ratio_vs_relay: round(percentile(tablee.idle.latencies, 99) / percentile(relayResult.latencies, 99)),
      loaded_p50_ms: round(percentile(tablee.loaded.latencies, 50)),
      loaded_p99_ms: round(percentile(tablee.loaded.latencies, 99)),
      loaded_p99_ratio_vs_idle: round(percentile(tablee.loaded.latencies, 99) / percentile(tablee.idle.latencies, 99)),
      big_document_mb: BIG_MB,
      big_document_loads: tablee.loads,
      delivered: tablee.idle.latencies.length + tablee.loaded.latencies.length,
      undelivered: tablee.idle.lost + tablee.loaded.lost,
      relay_delivered: relayResult.latencies.length,
      mem_per_doc_kb: round(memory.perDocumentKb, 1),
      mem_per_conn_kb: round(memory.perConnectionKb, 1),
      database: process.env.DATABASE_URL ? "postgres" : "pglite",
    };
    console.log("");
    console.log(`relais nu         p50 ${figures.relay_p50_ms} ms   p99 ${figures.relay_p99_ms} ms   (${figures.relay_delivered} mises à jour)`);
    console.log(`Tablée au repos   p50 ${figures.p50_ms} ms   p99 ${figures.p99_ms} ms   ratio p99 / relais ${figures.p99_ratio_vs_relay} (objectif ≤ 1,5)`);
    console.log(`Tablée en charge  p50 ${figures.loaded_p50_ms} ms   p99 ${figures.loaded_p99_ms} ms   ratio / repos ${figures.loaded_p99_ratio_vs_idle} (objectif ≤ 2) — ${figures.big_document_loads} chargements de ${BIG_MB} Mo`);
    console.log(`mémoire           ${figures.mem_per_doc_kb} Ko par document ouvert, ${figures.mem_per_conn_kb} Ko par connexion`);
    console.log(JSON.stringify(figures));
  } finally {
    relay.kill("SIGTERM");
    await server.stop();
    storage.cleanup();
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
