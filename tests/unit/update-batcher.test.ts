import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { UpdateBatcher } from "../../realtime/collab/update-batcher.ts";

/** Edits of one person's document, as the updates their client would send. */
function typist(clientId: number) {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  return { doc, updates, type: (text: string) => doc.getText("body").insert(doc.getText("body").length, text) };
}

function batcher() {
  const sent: Array<{ documentId: string; update: Uint8Array; except: string | null }> = [];
  let turn: (() => void) | undefined;
  const relay = new UpdateBatcher(
    (documentId, update, except) => sent.push({ documentId, update, except }),
    (flush) => (turn = flush),
  );
  return { relay, sent, endOfTurn: () => turn?.() };
}

describe("relaying updates once per turn of the event loop", () => {
  it("sends a lone update as it came, to everyone but its sender, at the end of the turn", () => {
    const { relay, sent, endOfTurn } = batcher();
    const alice = typist(1);
    alice.type("Bonjour");
    relay.add("doc-1", alice.updates[0]!, "socket-alice");
    expect(sent).toEqual([]);
    endOfTurn();
    expect(sent).toEqual([{ documentId: "doc-1", update: alice.updates[0], except: "socket-alice" }]);
  });

  it("merges what several people typed meanwhile into one update that everyone receives, senders included", () => {
    const { relay, sent, endOfTurn } = batcher();
    const alice = typist(1);
    const bruno = typist(2);
    alice.type("Ordre du jour : ");
    alice.type("accueil par le maire");
    bruno.type("Portage de repas");
    relay.add("doc-1", alice.updates[0]!, "socket-alice");
    relay.add("doc-1", bruno.updates[0]!, "socket-bruno");
    relay.add("doc-1", alice.updates[1]!, "socket-alice");
    endOfTurn();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.except).toBeNull();
    // A reader who had nothing gets both texts from the one message; each typist gets the other's.
    const reader = new Y.Doc();
    Y.applyUpdate(reader, sent[0]!.update);
    expect(reader.getText("body").toString()).toContain("Ordre du jour : accueil par le maire");
    expect(reader.getText("body").toString()).toContain("Portage de repas");
    Y.applyUpdate(bruno.doc, sent[0]!.update);
    expect(bruno.doc.getText("body").toString()).toBe(reader.getText("body").toString());
  });

  it("still leaves out a sender whose several updates are the only ones merged, and keeps documents apart", () => {
    const { relay, sent, endOfTurn } = batcher();
    const alice = typist(1);
    const bruno = typist(2);
    alice.type("un ");
    alice.type("deux");
    bruno.type("autre document");
    relay.add("doc-1", alice.updates[0]!, "socket-alice");
    relay.add("doc-1", alice.updates[1]!, "socket-alice");
    relay.add("doc-2", bruno.updates[0]!, null);
    endOfTurn();
    expect(sent.map(({ documentId, except }) => ({ documentId, except }))).toEqual([
      { documentId: "doc-1", except: "socket-alice" },
      { documentId: "doc-2", except: null },
    ]);
    const reader = new Y.Doc();
    Y.applyUpdate(reader, sent[0]!.update);
    expect(reader.getText("body").toString()).toBe("un deux");
  });

  it("starts a new batch after each turn", () => {
    const { relay, sent, endOfTurn } = batcher();
    const alice = typist(1);
    alice.type("a");
    alice.type("b");
    relay.add("doc-1", alice.updates[0]!, "socket-alice");
    endOfTurn();
    relay.add("doc-1", alice.updates[1]!, "socket-alice");
    endOfTurn();
    expect(sent.map((message) => message.update)).toEqual(alice.updates);
  });
});
