/**
 * Live agendas: a page showing a meeting watches it; when anything on its
 * agenda changes, the server tells every watcher, who reloads the page's
 * data over HTTP. The message carries no content, so the loader's rights
 * check is what decides what anyone sees.
 */
export const AGENDA_EVENTS = {
  watch: "agenda:watch",
  unwatch: "agenda:unwatch",
  changed: "agenda:changed",
} as const;

export interface AgendaWatchRequest {
  meetingId: string;
}

export type AgendaWatchReply = { ok: true } | { ok: false; error: "invalid" | "not-found" | "unavailable" };

export interface AgendaChangedMessage {
  meetingId: string;
}

export const agendaRoom = (meetingId: string) => `meeting:${meetingId}`;
