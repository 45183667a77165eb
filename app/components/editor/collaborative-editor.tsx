import type { CollaborativeEditorProps } from "./types.ts";

/** Placeholder until the TipTap editor lands: shows the server-rendered text. */
export function CollaborativeEditor({ initialHtml, label }: CollaborativeEditorProps) {
  return <div className="document-content" aria-label={label} dangerouslySetInnerHTML={{ __html: initialHtml }} />;
}
