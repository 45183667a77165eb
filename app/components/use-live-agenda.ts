import { useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { LightSocket } from "./light-socket.ts";
import { AGENDA_EVENTS, type AgendaChangedMessage, type AgendaWatchReply } from "../../realtime/agenda-protocol.ts";

export type LiveState = "connecting" | "live" | "offline";

/**
 * Keeps a meeting page current: watches the meeting over socket.io and
 * reloads the page's data when the server says its agenda changed, or after
 * a reconnection (changes may have been missed meanwhile).
 */
export function useLiveAgenda(meetingId: string): LiveState {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  // Revalidating during one's own submission would cancel it and lose its answer (the message, the focus):
  // a change heard meanwhile is loaded once the page is idle again.
  const missed = useRef(false);
  const revalidate = useRef(() => {});
  revalidate.current = () => {
    if (busy) missed.current = true;
    else revalidator.revalidate();
  };
  useEffect(() => {
    if (!busy && missed.current) {
      missed.current = false;
      revalidator.revalidate();
    }
  }, [busy, revalidator]);
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    // Created inside the effect so that StrictMode's double mount makes and closes its own socket.
    const socket = LightSocket.sameOrigin();
    let watchedBefore = false;
    socket.on("connect", () => {
      socket.emit(AGENDA_EVENTS.watch, { meetingId }, (reply: AgendaWatchReply) => {
        setState(reply?.ok ? "live" : "offline");
        if (reply?.ok && watchedBefore) revalidate.current();
        watchedBefore ||= Boolean(reply?.ok);
      });
    });
    socket.on("disconnect", () => setState("offline"));
    socket.on("connect_error", () => setState("offline"));
    socket.on(AGENDA_EVENTS.changed, (message: AgendaChangedMessage) => {
      if (message?.meetingId === meetingId) revalidate.current();
    });
    return () => {
      socket.emit(AGENDA_EVENTS.unwatch, { meetingId });
      socket.close();
    };
  }, [meetingId]);
  return state;
}
