import { io as connect } from "socket.io-client";
import * as Y from "yjs";
import { EVENTS } from "../realtime/protocol.ts";

/**
 * Part of bench/realtime.ts: in its own process (so that decoding 10 MB does
 * not stall the measuring clients), opens a large document again and again
 * until stopped, and reports how many times it did.
 */
const [url, cookie, documentId] = process.argv.slice(2) as [string, string, string];
const socket = connect(url, { transports: ["websocket"], extraHeaders: { cookie, origin: url }, forceNew: true, timeout: 60_000 });
let loads = 0;
let running = true;
process.on("SIGTERM", () => {
  running = false;
});
socket.on("connect", async () => {
  while (running) {
    const reply = await socket.timeout(120_000).emitWithAck(EVENTS.join, { documentId, stateVector: Y.encodeStateVector(new Y.Doc()) });
    if (!reply.ok) {
      console.error(`refusé : ${reply.error}`);
      process.exit(1);
    }
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(reply.update));
    doc.destroy();
    socket.emit(EVENTS.leave, { documentId });
    loads += 1;
  }
  console.log(`loads ${loads}`);
  socket.close();
  process.exit(0);
});
