import { setPriority } from "node:os";
import { io as connect } from "socket.io-client";
import * as Y from "yjs";
import { EVENTS } from "../realtime/protocol.ts";

/**
 * Part of bench/realtime.ts: in its own process, opens a large document once a second until stopped (the first time,
 * the server reads it from the database and builds it in memory; later, it serves it from memory), and reports how
 * many times it did and how many bytes it received. It checks that the server sent the whole state (its size) but
 * does not rebuild the document from it: on a real network that decoding happens on the loading user's device, while
 * here it would take one of the cores the server and the measuring clients share, and the figures would measure the
 * machine rather than the server. The server's own work (reading, encoding and sending the state) is all there.
 */
const [url, cookie, documentId, expectedBytes] = process.argv.slice(2) as [string, string, string, string];
// The loading user's device is not the server's nor the other editors': on this machine its work (receiving 10 MB a
// second) comes last, so that it takes the cores' idle time rather than theirs.
setPriority(19);
const socket = connect(url, { transports: ["websocket"], extraHeaders: { cookie, origin: url }, forceNew: true, timeout: 60_000 });
const EVERY_MS = 1_000;
let loads = 0;
let bytes = 0;
let running = true;
process.on("SIGTERM", () => {
  running = false;
});
socket.on("connect", async () => {
  while (running) {
    const started = performance.now();
    const reply = await socket.timeout(120_000).emitWithAck(EVENTS.join, { documentId, stateVector: Y.encodeStateVector(new Y.Doc()) });
    if (!reply.ok) {
      console.error(`refusé : ${reply.error}`);
      process.exit(1);
    }
    const received = (reply.update as ArrayBuffer).byteLength;
    if (received < Number(expectedBytes)) {
      console.error(`état incomplet : ${received} octets reçus, ${expectedBytes} attendus`);
      process.exit(1);
    }
    bytes += received;
    socket.emit(EVENTS.leave, { documentId });
    loads += 1;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, EVERY_MS - (performance.now() - started))));
  }
  console.log(`loads ${loads} bytes ${bytes}`);
  socket.close();
  process.exit(0);
});
