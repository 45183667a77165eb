/**
 * npm run bench:realtime — co-editing latency and memory, Tablée against a
 * bare socket.io relay measured in the same run on the same machine.
 *
 * 50 clients edit one document, 5 updates per second each, for 30 s; for each
 * update we time how long until every other client has applied it. Then the
 * same while another client loads a 10 MB document, once a second
 * (bench/load-big-document.ts). Then the
 * server's memory per open document and per connection. The server and the
 * relay each run in their own process; the measuring clients are spread over
 * BENCH_WORKERS processes (bench/realtime-clients.ts; as many as the machine
 * has cores, at least 2): in one process, applying every update in 50 Y.Docs
 * saturated it, and the figures measured the clients more than the server.
 *
 * Each client waits 1/BENCH_RATE after each of its edits, so that the rate is the one the machine carries: on 2 cores,
 * the 50 clients applying every update keep themselves under 5 a second (the rate reached is printed); at a fixed 5 a
 * second the clients alone overloaded the machine (the bare relay's p50 reached 1.3–1.6 s) and every figure grew
 * with the length of the run.
 *
 * Environment: BENCH_CLIENTS (50), BENCH_SECONDS (30), BENCH_RATE (5 per second),
 * BENCH_BIG_MB (10), DATABASE_URL (PostgreSQL instead of a temporary PGlite folder),
 * BENCH_SERVER_NODE_ARGS (options of the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import WebSocket from "ws";
import * as Y from "yjs";
import { createDb, type DatabaseHandle } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { seedDemo } from "../db/seed/demo.ts";
import { createDocument } from "../app/features/documents/documents.server.ts";
import { EVENTS } from "../realtime/protocol.ts";
import { freePort, startChildServer } from "../tests/support/child-server.ts";
import { HttpClient } from "../tests/support/http-client.ts";
import type { ClientsCommand, ClientsTask, PhaseReport } from "./realtime-clients.ts";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 5);
const BIG_MB = Number(process.env.BENCH_BIG_MB ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? Math.max(2, availableParallelism()));
const MEMORY_SAMPLE = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** The measuring clients, spread over WORKERS processes (bench/realtime-clients.ts). */
class ClientProcesses {
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(task: Omit<ClientsTask, "from" | "to">): Promise<ClientProcesses> {
    const children = Array.from({ length: WORKERS }, (_, worker) => {
      const child = fork(path.join(import.meta.dirname, "realtime-clients.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
      const from = Math.floor((worker * CLIENTS) / WORKERS);
      const to = Math.floor(((worker + 1) * CLIENTS) / WORKERS);
      child.send({ ...task, from, to } satisfies ClientsTask);
      return child;
    });
    await Promise.all(children.map((child) => nextMessage(child)));
    return new ClientProcesses(children);
  }

  /** Every client edits for `seconds`; an update counts as delivered when every other client has applied it. */
  async drive(seconds: number): Promise<{ latencies: number[]; lost: number }> {
    const startAt = performance.timeOrigin + performance.now() + 500;
    const replies = this.children.map((child) => nextMessage(child));
    for (const child of this.children) child.send({ command: "drive", startAt, seconds } satisfies ClientsCommand);
    const reports = (await Promise.all(replies)).map((reply) => (reply as { report: PhaseReport }).report);
    const received = new Map<string, [number, number]>();
    for (const report of reports) {
      for (const [key, [count, lastAt]] of Object.entries(report.received)) {
        const entry = received.get(key);
        received.set(key, entry ? [entry[0] + count, Math.max(entry[1], lastAt)] : [count, lastAt]);
      }
    }
    const latencies: number[] = [];
    let lost = 0;
    for (const report of reports) {
      for (const [key, sentAt] of Object.entries(report.sent)) {
        const entry = received.get(key);
        if (entry && entry[0] >= CLIENTS - 1) latencies.push(entry[1] - sentAt);
        else lost += 1;
      }
    }
    return { latencies, lost };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((child) => {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.send({ command: "stop" } satisfies ClientsCommand);
        return exited;
      }),
    );
  }
}

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`Un processus de clients s'est arrêté (code ${code})`));
    child.once("exit", onExit);
    child.once("message", (message) => {
      child.off("exit", onExit);
      resolve(message);
    });
  });
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

async function prepareStorage(): Promise<{
  env: Record<string, string>;
  documentId: string;
  bigDocumentId: string;
  bigDocumentBytes: number;
  memoryDocuments: string[];
  cleanup: () => void;
}> {
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
  return { env, documentId: document.id, bigDocumentId: big.id, bigDocumentBytes: state.byteLength, memoryDocuments, cleanup: () => directory && rmSync(directory, { recursive: true, force: true }) };
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

/**
 * The server's memory after a full garbage collection, in kilobytes: its JavaScript heap plus the buffers outside it
 * (Yjs states are Uint8Arrays), read through the inspector it was started with (--inspect=127.0.0.1:0). Its resident
 * size moved by tens of megabytes as V8 grew and gave back its heap, more than what 270 documents hold, and once gave
 * a negative figure per connection.
 */
class ServerMemory {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (message.id) this.pending.get(message.id)?.(message.result);
    });
  }

  static async connect(serverOutput: () => string): Promise<ServerMemory> {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(serverOutput())?.[1];
    if (!url) throw new Error("Le serveur n'a pas ouvert d'inspecteur (--inspect) : mémoire non mesurable");
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    return new ServerMemory(socket);
  }

  private send(method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async kilobytes(): Promise<number> {
    await this.send("HeapProfiler.collectGarbage");
    const reply = (await this.send("Runtime.evaluate", {
      expression: "(() => { const m = process.memoryUsage(); return m.heapUsed + m.external; })()",
      returnByValue: true,
    })) as { result: { value: number } };
    return reply.result.value / 1024;
  }

  close() {
    this.socket.close();
  }
}

async function measureTablee(url: string, cookie: string, documentId: string, big: { id: string; bytes: number }) {
  const clients = await ClientProcesses.start({ mode: "tablee", url, cookie, documentId, rate: RATE });
  const idle = await clients.drive(SECONDS);
  const loader = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "load-big-document.ts"), url, cookie, big.id, String(big.bytes)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let loaderOutput = "";
  loader.stdout!.on("data", (chunk) => (loaderOutput += chunk));
  const loaderDone = new Promise<void>((resolve) => loader.once("exit", () => resolve()));
  // No head start: the first load, when the server reads the document from the database, falls within the measure.
  const loaded = await clients.drive(SECONDS);
  loader.kill("SIGTERM");
  await loaderDone;
  const loads = Number(/loads (\d+)/.exec(loaderOutput)?.[1] ?? 0);
  if (!/loads \d+/.test(loaderOutput)) throw new Error("Le chargeur du gros document n'a rien rapporté (voir ses erreurs ci-dessus)");
  await clients.stop();
  return { idle, loaded, loads };
}

async function measureRelay(url: string) {
  const clients = await ClientProcesses.start({ mode: "relay", url, rate: RATE });
  const deliveries = await clients.drive(SECONDS);
  await clients.stop();
  return deliveries;
}

/** Opens a socket per document, joins it and writes a short text in it: an open document, as an editor holds one. */
async function openDocuments(url: string, cookie: string, documents: string[], what: "connect" | "open", sockets: Socket[] = []) {
  if (what === "connect") {
    const opened = documents.map(() => openSocket(url, cookie));
    await Promise.all(opened.map(connected));
    return opened;
  }
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
  return sockets;
}

/**
 * Memory of the server (heap and buffers, after a full collection) per connection and per open document. A first tenth of the documents warms the
 * server up (code compiled, pools and caches filled on first use) and stays open; the rest are measured.
 */
async function measureMemory(url: string, cookie: string, memory: ServerMemory, documents: string[]) {
  const warmUp = documents.slice(0, Math.ceil(documents.length / 10));
  const measured = documents.slice(warmUp.length);
  const warmSockets = await openDocuments(url, cookie, warmUp, "open", await openDocuments(url, cookie, warmUp, "connect"));
  await sleep(3000);
  const before = await memory.kilobytes();
  const sockets = await openDocuments(url, cookie, measured, "connect");
  await sleep(1500);
  const withConnections = await memory.kilobytes();
  await openDocuments(url, cookie, measured, "open", sockets);
  await sleep(1500);
  const withDocuments = await memory.kilobytes();
  for (const socket of [...warmSockets, ...sockets]) socket.close();
  return {
    perConnectionKb: (withConnections - before) / measured.length,
    perDocumentKb: (withDocuments - withConnections) / measured.length,
  };
}

async function main() {
  console.log(`Préparation : ${CLIENTS} clients, ${RATE} modifications/s chacun, ${SECONDS} s par mesure, document de ${BIG_MB} Mo…`);
  const storage = await prepareStorage();
  const tableePort = await freePort();
  const server = await startChildServer(storage.env, tableePort, ["--inspect=127.0.0.1:0", ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [])]);
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

    // First, on the fresh server: measured after the big document's measure, the release of its 10 MB (30 s after
    // its last reader) fell inside this one and made the figure negative. Its documents are released (30 s after
    // their sockets close) while the relay is measured.
    console.log("Mesure : mémoire du serveur par connexion et par document ouvert…");
    const serverMemory = await ServerMemory.connect(server.output);
    const memory = await measureMemory(server.url, cookie, serverMemory, storage.memoryDocuments);
    serverMemory.close();
    console.log("Mesure : relais socket.io nu…");
    const relayResult = await measureRelay(`http://127.0.0.1:${relayPort}`);
    console.log("Mesure : Tablée, au repos puis pendant le chargement du gros document…");
    const tablee = await measureTablee(server.url, cookie, storage.documentId, { id: storage.bigDocumentId, bytes: storage.bigDocumentBytes });

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
      relay_undelivered: relayResult.lost,
      // Each client edits again RATE⁻¹ after its previous edit, so a busy machine lowers the rate: what it reached.
      edits_per_second_per_client: round((tablee.idle.latencies.length + tablee.idle.lost) / CLIENTS / SECONDS),
      loaded_edits_per_second_per_client: round((tablee.loaded.latencies.length + tablee.loaded.lost) / CLIENTS / SECONDS),
      relay_edits_per_second_per_client: round((relayResult.latencies.length + relayResult.lost) / CLIENTS / SECONDS),
      client_processes: WORKERS,
      mem_per_doc_kb: round(memory.perDocumentKb, 1),
      mem_per_conn_kb: round(memory.perConnectionKb, 1),
      database: process.env.DATABASE_URL ? "postgres" : "pglite",
    };
    console.log("");
    console.log(`relais nu         p50 ${figures.relay_p50_ms} ms   p99 ${figures.relay_p99_ms} ms   (${figures.relay_delivered} mises à jour, ${figures.relay_edits_per_second_per_client} par seconde et par client)`);
    console.log(`Tablée au repos   p50 ${figures.p50_ms} ms   p99 ${figures.p99_ms} ms   ratio p99 / relais ${figures.p99_ratio_vs_relay} (objectif ≤ 1,5) — ${figures.edits_per_second_per_client} modifications par seconde et par client`);
    console.log(`Tablée en charge  p50 ${figures.loaded_p50_ms} ms   p99 ${figures.loaded_p99_ms} ms   ratio / repos ${figures.loaded_p99_ratio_vs_idle} (objectif ≤ 2) — ${figures.big_document_loads} chargements de ${BIG_MB} Mo, ${figures.loaded_edits_per_second_per_client} modifications par seconde et par client`);
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
