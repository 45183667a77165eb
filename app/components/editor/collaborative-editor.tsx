import { useEffect, useId, useState } from "react";
import { io, type Socket } from "socket.io-client";
import * as Y from "yjs";
import { SocketIOProvider, type ProviderState } from "../../../realtime/client/provider.ts";
import { LiveEditor } from "./live-editor.tsx";
import { usePresence, Presence } from "./presence.tsx";
import { OFFLINE_MESSAGE, connectErrorText, connectionText, errorText, isFatal, saveState, saveTexts, type SaveState } from "./status.ts";
import type { CollaborativeEditorProps, EditorUser } from "./types.ts";

interface Session {
  doc: Y.Doc;
  socket: Socket;
  provider: SocketIOProvider;
}

const initialState: ProviderState = { status: "connecting", synced: false, canWrite: false, unacknowledged: 0, unsent: false, error: null };

/**
 * One socket, Y.Doc and provider per mounted editor, made in an effect and
 * destroyed in its cleanup (StrictMode mounts twice in development).
 */
function useSession(documentId: string, user: EditorUser) {
  const [session, setSession] = useState<Session | null>(null);
  const [state, setState] = useState<ProviderState>(initialState);
  const [everSynced, setEverSynced] = useState(false);
  const [connectError, setConnectError] = useState<string | null>(null);
  const [online, setOnline] = useState(true);

  useEffect(() => {
    const doc = new Y.Doc();
    const socket = io({ transports: ["websocket", "polling"], forceNew: true, autoConnect: false });
    const provider = new SocketIOProvider({ socket, documentId, doc });
    provider.awareness.setLocalStateField("user", { id: user.id, name: user.name, color: user.color });

    const unsubscribe = provider.subscribe((next) => {
      setState(next);
      if (next.synced) setEverSynced(true);
    });
    const onConnectError = (error: Error) => setConnectError(error.message);
    const onConnect = () => setConnectError(null);
    socket.on("connect_error", onConnectError);
    socket.on("connect", onConnect);

    // The browser knows about a lost network before socket.io does: the status line says "offline" at once
    // (unless the socket still works, e.g. a server on localhost), and the network's return triggers an
    // immediate reconnection instead of waiting for the next back-off attempt.
    setOnline(navigator.onLine);
    const offline = () => setOnline(false);
    const online = () => {
      setOnline(true);
      if (socket.connected) return;
      socket.disconnect();
      socket.connect();
    };
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);

    setSession({ doc, socket, provider });
    return () => {
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
      socket.off("connect_error", onConnectError);
      socket.off("connect", onConnect);
      unsubscribe();
      provider.destroy();
      socket.disconnect();
      doc.destroy();
      setSession(null);
      setState(initialState);
      setEverSynced(false);
    };
    // The user is read once: a new colour or name needs a new session anyway.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [documentId]);

  return { session, state, everSynced, connectError, online };
}

/** "Enregistrement…" only after a short while: every keystroke is acknowledged within milliseconds on a good connection. */
function useShownSaveState(state: ProviderState): SaveState {
  const raw = saveState(state);
  const [shown, setShown] = useState<SaveState>(raw);
  useEffect(() => {
    if (raw !== "saving") return setShown(raw);
    const timer = setTimeout(() => setShown("saving"), 400);
    return () => clearTimeout(timer);
  }, [raw]);
  return raw === "saving" ? shown : raw;
}

export function CollaborativeEditor({ documentId, label, canWrite, initialHtml, user, mentionables, autoFocus }: CollaborativeEditorProps) {
  const { session, state, everSynced, connectError, online } = useSession(documentId, user);
  const people = usePresence(session?.provider.awareness ?? null, session?.doc.clientID ?? null);
  const save = useShownSaveState(state);
  const id = useId();
  const editorId = `${id}-editor`;

  const fatal = isFatal(state.error);
  // Before the first sync, the page's own answer says whether this person may write.
  const writable = !fatal && (everSynced ? state.canWrite : canWrite);
  const error = connectErrorText(connectError) ?? errorText(state.error);
  // Once shown, the live editor stays (read-only after a fatal error) so that nobody loses sight of their text.
  const live = session !== null && everSynced;
  // The browser may know the network is gone before the socket does (a socket that still works wins).
  const shownStatus = !online && state.status !== "connected" ? "offline" : state.status;

  return (
    <section className="editor" aria-label={`Édition de « ${label} »`}>
      <div className="editor-meta">
        <div className="editor-status" role="status" aria-live="polite">
          {session ? (
            <span className={`editor-status__connection editor-status__connection--${shownStatus}`}>
              {shownStatus === "offline" ? OFFLINE_MESSAGE : connectionText(state)}
            </span>
          ) : (
            <span className="editor-status__connection">Chargement de l'éditeur…</span>
          )}
          {save ? " " : null}
          {save ? <span className={`editor-status__save editor-status__save--${save}`}>{saveTexts[save]}</span> : null}
          {error ? " " : null}
          {error ? <span className="editor-status__error">{error}</span> : null}
        </div>
        {session ? <Presence people={people} /> : null}
      </div>
      {!writable && !fatal ? (
        <p className="editor-readonly">
          <strong>Lecture seule</strong> : vous voyez les modifications des autres en direct, mais vous ne pouvez pas modifier ce document.
        </p>
      ) : null}
      {live ? (
        <LiveEditor
          doc={session.doc}
          awareness={session.provider.awareness}
          editorId={editorId}
          label={label}
          editable={writable}
          user={user}
          mentionables={mentionables}
          autoFocus={autoFocus}
        />
      ) : (
        <div className="editor-surface">
          <div className="document-content document-content--static" dangerouslySetInnerHTML={{ __html: initialHtml }} />
        </div>
      )}
    </section>
  );
}
