import { describe, expect, it } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { withSessionIdentity } from "../../realtime/awareness-identity.ts";

function presence(state: Record<string, unknown> | null): { update: Uint8Array; clientId: number } {
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(state);
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]);
  awareness.destroy();
  return { update, clientId: doc.clientID };
}

function decoded(update: Uint8Array, clientId: number) {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  awarenessProtocol.applyAwarenessUpdate(awareness, update, "test");
  const state = awareness.getStates().get(clientId);
  awareness.destroy();
  return state;
}

describe("presence carries the session's identity", () => {
  const session = { id: "user-ermont", name: "Nadia Ermont" };

  it("replaces a name and id the client declared, and keeps the rest (caret colour, cursor)", () => {
    const { update, clientId } = presence({ user: { id: "user-other", name: "Maire de Paris", color: "#1f77b4" }, cursor: { anchor: 3 } });
    expect(decoded(withSessionIdentity(update, session)!, clientId)).toEqual({
      user: { id: "user-ermont", name: "Nadia Ermont", color: "#1f77b4" },
      cursor: { anchor: 3 },
    });
  });

  it("leaves a departure (null state) and a state without user as they are", () => {
    const gone = presence({ user: { name: "x" } });
    const leaving = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(leaving, gone.update, "test");
    awarenessProtocol.removeAwarenessStates(leaving, [gone.clientId], "test");
    const removal = awarenessProtocol.encodeAwarenessUpdate(leaving, [gone.clientId]);
    expect(withSessionIdentity(removal, session)).toEqual(removal);
    const { update, clientId } = presence({ cursor: null });
    expect(decoded(withSessionIdentity(update, session)!, clientId)).toEqual({ cursor: null });
  });

  it("refuses what does not decode", () => {
    expect(withSessionIdentity(new Uint8Array([5, 1]), session)).toBeNull();
    const { update } = presence({ user: { name: "x" } });
    expect(withSessionIdentity(new Uint8Array([...update, 7]), session)).toBeNull();
  });
});
