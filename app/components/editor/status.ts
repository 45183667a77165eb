import type { ProviderState } from "../../../realtime/client/provider.ts";
import { updateErrorMessages, type UpdateError } from "../../../realtime/protocol.ts";

/** The French words of the editor's status line, from the provider's state. */

export const OFFLINE_MESSAGE = "Hors ligne — vos modifications seront envoyées au retour";

export function connectionText(state: ProviderState): string {
  switch (state.status) {
    case "connecting":
      return "Connexion…";
    case "connected":
      return "Connecté";
    case "reconnecting":
      return "Reconnexion…";
    case "offline":
      return OFFLINE_MESSAGE;
  }
}

export type SaveState = "saved" | "saving" | null;

/** Whether what this person typed is stored; null when there is nothing to say (reader, not yet synced, offline). */
export function saveState(state: ProviderState): SaveState {
  if (!state.canWrite || state.status !== "connected" || !state.synced) return null;
  return state.unacknowledged > 0 || state.unsent ? "saving" : "saved";
}

export const saveTexts: Record<Exclude<SaveState, null>, string> = { saved: "Enregistré", saving: "Enregistrement…" };

/** Errors that keep the document from opening at all. */
export function isFatal(error: ProviderState["error"]): boolean {
  return error === "forbidden" || error === "not-found";
}

export function errorText(error: ProviderState["error"]): string | null {
  switch (error) {
    case null:
      return null;
    case "forbidden":
      return "Vous n'avez pas (ou plus) accès à ce document. Rechargez la page ; si le problème continue, demandez l'accès à la coordination du réseau.";
    case "not-found":
      return "Ce document n'existe plus ou a été déplacé. Revenez à la liste des notes.";
    default:
      return updateErrorMessages[error as UpdateError] ?? "Une erreur est survenue : rechargez la page.";
  }
}

/** Why the socket itself was refused (socket.io middleware errors). */
export function connectErrorText(message: string | null): string | null {
  if (message === "unauthorized") return "Votre session a expiré : reconnectez-vous pour continuer à modifier ce document.";
  return null;
}
