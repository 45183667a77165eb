import { getSchema, type JSONContent } from "@tiptap/core";
import { generateHTML } from "@tiptap/html/server";
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { schemaExtensions } from "./schema-extensions.ts";

export const FRAGMENT = "default";

const extensions = schemaExtensions();
const schema = getSchema(extensions);

export interface RenderedDocument {
  json: JSONContent;
  html: string;
  text: string;
}

/** What read-only views, export and search use: JSON, HTML and plain text of a Yjs document. */
export function renderYDoc(doc: Y.Doc): RenderedDocument {
  const node = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(FRAGMENT), schema);
  const json = node.toJSON() as JSONContent;
  return { json, html: generateHTML(json, extensions), text: node.textBetween(0, node.content.size, "\n", "\n") };
}

export function renderState(state: Uint8Array): RenderedDocument {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return renderYDoc(doc);
  } finally {
    doc.destroy();
  }
}

export { schema as documentSchema, extensions as documentExtensions };
