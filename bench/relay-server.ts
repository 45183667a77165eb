import { createServer } from "node:http";
import { Server } from "socket.io";

/**
 * The baseline: a bare socket.io relay that forwards each update to the other
 * clients of the room, with no authentication, permission check, storage or
 * Yjs work. Tablée's figures are compared with it.
 */
const port = Number(process.env.PORT ?? 0);
const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 20 * 1024 * 1024 });
io.on("connection", (socket) => {
  socket.on("join", (room: string, ack: () => void) => {
    void socket.join(room);
    ack();
  });
  socket.on("update", (room: string, update: Uint8Array, ack?: () => void) => {
    socket.to(room).emit("update", update);
    ack?.();
  });
});
httpServer.listen(port, "127.0.0.1", () => {
  const address = httpServer.address();
  console.log(`relay listening on ${typeof address === "object" && address ? address.port : port}`);
});
process.on("SIGTERM", () => io.close(() => process.exit(0)));
