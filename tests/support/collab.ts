import { io as connect, type Socket } from "socket.io-client";
import * as Y from "yjs";
import { SocketIOProvider } from "../../realtime/client/provider.ts";
import { HttpClient } from "./http-client.ts";

/** A signed-in co-editor: a real socket.io client with its own Y.Doc, as a browser tab would have. */
export interface Editor {
  socket: Socket;
  provider: SocketIOProvider;
  doc: Y.Doc;
  text: Y.Text;
  close(): void;
}

export async function sessionCookieFor(baseUrl: string, email: string): Promise<string> {
  const client = new HttpClient(baseUrl);
  const response = await client.signIn(email);
  if (response.status !== 302) throw new Error(`Connexion de ${email} impossible (${response.status})`);
  return client.cookieHeader;
}

export function openSocket(baseUrl: string, cookie: string, options: { origin?: string } = {}): Socket {
  return connect(baseUrl, {
    transports: ["websocket"],
    extraHeaders: { cookie, origin: options.origin ?? baseUrl },
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    forceNew: true,
  });
}

export function openEditor(baseUrl: string, cookie: string, documentId: string): Editor {
  const socket = openSocket(baseUrl, cookie);
  const doc = new Y.Doc();
  const provider = new SocketIOProvider({ socket, documentId, doc });
  return {
    socket,
    provider,
    doc,
    text: doc.getText("test"),
    close() {
      provider.destroy();
      socket.disconnect();
      doc.destroy();
    },
  };
}

export function waitFor(condition: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (condition()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`Délai dépassé : ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

export function whenSynced(editor: Editor): Promise<void> {
  return waitFor(() => editor.provider.current.synced, 10_000, "synchronisation");
}
