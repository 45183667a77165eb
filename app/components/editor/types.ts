/** What an editor page hands to the collaborative editor. */
export interface EditorUser {
  id: string;
  name: string;
  color: string;
}

export interface Mentionable {
  id: string;
  label: string;
  detail?: string;
}

export interface CollaborativeEditorProps {
  documentId: string;
  /** Accessible name of the editing area, e.g. the document's title. */
  label: string;
  canWrite: boolean;
  /** Server-rendered HTML: shown until the live document has synced, and to readers without JavaScript. */
  initialHtml: string;
  user: EditorUser;
  mentionables: { members: Mentionable[]; documents: Mentionable[] };
  /** Puts the keyboard in the text once it is live (the user asked to edit). */
  autoFocus?: boolean;
}
