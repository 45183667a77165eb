/**
 * The smallest Socket.IO client a read-mostly page needs: WebSocket transport only, the default
 * namespace, JSON events and acknowledgements, reconnection with backoff. About 1 KB instead of
 * socket.io-client's 13 KB gzipped, so that the meeting page stays within its JavaScript budget
 * (docs/decisions/009-page-budgets.md); the editor, which needs binary messages, keeps socket.io-client.
 * Protocol: Engine.IO v4 packets (0 open, 1 close, 2 ping, 3 pong, 4 message) carrying
 * Socket.IO v5 packets (0 connect, 1 disconnect, 2 event, 3 ack, 4 connect error).
 */
type Handler = (...args: any[]) => void;

export class LightSocket {
  connected = false;
  private socket: WebSocket | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly acks = new Map<number, Handler>();
  private nextAck = 0;
  private attempts = 0;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceLimit = 45_000;

  constructor(private readonly url: string) {
    this.open();
  }

  /** A socket on this page's own origin, like `io()`. */
  static sameOrigin(): LightSocket {
    const url = new URL("/socket.io/?EIO=4&transport=websocket", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return new LightSocket(url.toString());
  }

  on(event: string, handler: Handler): this {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(handler);
    return this;
  }

  emit(event: string, payload: unknown, ack?: Handler): void {
    if (!this.connected) return;
    let id = "";
    if (ack) {
      id = String(this.nextAck++);
      this.acks.set(Number(id), ack);
    }
    this.send(`42${id}${JSON.stringify([event, payload])}`);
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    this.socket?.close();
  }

  private open(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onmessage = (message) => this.receive(String(message.data));
    // A failed connection is followed by `close`, which retries; nothing more to do here.
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearTimeout(this.silenceTimer);
      this.acks.clear();
      if (this.connected) {
        this.connected = false;
        this.fire("disconnect");
      }
      if (!this.stopped) this.retryTimer = setTimeout(() => this.open(), this.backoff());
    };
  }

  /** 0.5 s, 1 s, 2 s… up to 10 s, with jitter so that a restarted server is not hit by every page at once. */
  private backoff(): number {
    const delay = Math.min(10_000, 500 * 2 ** this.attempts++);
    return delay / 2 + Math.random() * (delay / 2);
  }

  private send(packet: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(packet);
  }

  /** The server pings every pingInterval; silence beyond pingInterval + pingTimeout means the link is dead. */
  private expectPing(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.socket?.close(), this.silenceLimit);
  }

  private receive(packet: string): void {
    switch (packet[0]) {
      case "0": {
        const { pingInterval, pingTimeout } = JSON.parse(packet.slice(1)) as { pingInterval: number; pingTimeout: number };
        this.silenceLimit = pingInterval + pingTimeout;
        this.expectPing();
        this.send("40");
        return;
      }
      case "2":
        this.send("3");
        this.expectPing();
        return;
      case "1":
        this.socket?.close();
        return;
      case "4":
        this.receiveMessage(packet.slice(1));
        return;
    }
  }

  private receiveMessage(packet: string): void {
    const kind = packet[0];
    if (kind === "0") {
      this.connected = true;
      this.attempts = 0;
      this.fire("connect");
    } else if (kind === "4") {
      // Refused by the server's middleware (signed out, wrong origin): retrying would be refused again.
      this.stopped = true;
      this.fire("connect_error", JSON.parse(packet.slice(1) || "{}"));
      this.socket?.close();
    } else if (kind === "1") {
      this.socket?.close();
    } else if (kind === "2" || kind === "3") {
      const [, id, json] = /^(\d*)([\s\S]*)$/.exec(packet.slice(1))!;
      const data = JSON.parse(json!) as unknown[];
      if (kind === "2") {
        const [event, ...args] = data as [string, ...unknown[]];
        this.fire(event, ...args);
      } else {
        const ack = this.acks.get(Number(id));
        this.acks.delete(Number(id));
        ack?.(...data);
      }
    }
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
}
