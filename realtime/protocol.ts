/** Messages between the co-editing client and server, over socket.io. Binary payloads are Yjs encodings. */

export const EVENTS = {
  join: "doc:join",
  leave: "doc:leave",
  update: "doc:update",
  awareness: "doc:awareness",
  /** Server to clients: the server dropped its copy (a write failed); join again so nothing is lost. */
  rejoin: "doc:rejoin",
  /** Server to server (through the socket.io adapter): keeps each process's in-memory copy in step. */
  peerUpdate: "doc:peer-update",
  peerAwareness: "doc:peer-awareness",
  peerEvict: "doc:peer-evict",
} as const;

export type Binary = Uint8Array | ArrayBuffer;

export interface JoinRequest {
  documentId: string;
  stateVector: Binary;
}

export type JoinReply =
  | { ok: true; canWrite: boolean; update: Binary; stateVector: Binary; awareness: Binary | null }
  | { ok: false; error: "forbidden" | "not-found" | "invalid" | "unavailable" };

export interface UpdateMessage {
  documentId: string;
  update: Binary;
}

export type UpdateError = "read-only" | "too-large" | "document-full" | "throttled" | "invalid" | "forbidden" | "not-joined" | "unavailable";
export type UpdateReply = { ok: true } | { ok: false; error: UpdateError };

export interface AwarenessMessage {
  documentId: string;
  update: Binary;
}

export const updateErrorMessages: Record<UpdateError, string> = {
  "read-only": "Vous pouvez lire ce document mais pas le modifier.",
  "too-large": "Cette modification est trop volumineuse (1 Mo au plus à la fois). Annulez-la et procédez par parties.",
  "document-full": "Ce document a atteint sa taille maximale (2 Mo). Créez un document séparé pour la suite.",
  throttled: "Trop de modifications d'un coup : elles seront renvoyées dans un instant.",
  invalid: "Une modification illisible a été refusée.",
  forbidden: "Vous n'avez plus accès à ce document.",
  "not-joined": "Connexion au document interrompue : reconnexion…",
  unavailable: "Le serveur ne peut pas enregistrer pour l'instant : nouvel essai dans un instant.",
};

export function toBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}
