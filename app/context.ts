import type { DB } from "../db/client.ts";
import type { SessionContext } from "./features/auth/sessions.server.ts";
import type { Mailer } from "./features/mail/mailer.server.ts";
import type { Realtime } from "../realtime/server.ts";

/** What the Express server hands to every loader and action (see server.ts). */
export interface TableeLoadContext {
  db: DB;
  mailer: Mailer;
  session: SessionContext | null;
  sessionSecret: string;
  cspNonce: string;
  clientIp: string | null;
  /** Origin used in links sent by e-mail: PUBLIC_URL, or the request's own. */
  baseUrl: string;
  databaseKind: "pglite" | "postgres";
  /** Co-editing: the documents held in memory and the sockets to broadcast to. */
  realtime: Realtime;
  /** Where uploaded files (attachments) are stored. */
  uploadDir: string;
}

declare module "@remix-run/node" {
  interface AppLoadContext extends TableeLoadContext {}
  interface Future {
    v3_singleFetch: true;
  }
}
