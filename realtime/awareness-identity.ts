import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * Presence messages (y-protocols awareness updates) carry each editor's name next to their caret. The browser writes
 * them, so a modified client could show itself under someone else's name: the server puts the session's own identity
 * in every state it relays. Encoding: count, then per entry client id, clock and the state as JSON (null when leaving).
 */
export function withSessionIdentity(update: Uint8Array, identity: { id: string; name: string }): Uint8Array | null {
  try {
    const decoder = decoding.createDecoder(update);
    const encoder = encoding.createEncoder();
    const count = decoding.readVarUint(decoder);
    encoding.writeVarUint(encoder, count);
    for (let index = 0; index < count; index++) {
      encoding.writeVarUint(encoder, decoding.readVarUint(decoder));
      encoding.writeVarUint(encoder, decoding.readVarUint(decoder));
      const state: unknown = JSON.parse(decoding.readVarString(decoder));
      if (state !== null && typeof state === "object" && !Array.isArray(state)) {
        const declared = (state as { user?: unknown }).user;
        if (declared !== undefined) {
          const user = declared !== null && typeof declared === "object" && !Array.isArray(declared) ? declared : {};
          (state as { user: unknown }).user = { ...user, id: identity.id, name: identity.name };
        }
      }
      encoding.writeVarString(encoder, JSON.stringify(state));
    }
    if (decoding.hasContent(decoder)) return null;
    return encoding.toUint8Array(encoder);
  } catch {
    return null;
  }
}
