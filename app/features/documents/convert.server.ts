import type { JSONContent } from "@tiptap/core";
import { generateJSON } from "@tiptap/html/server";
import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import { marked } from "marked";
import sanitizeHtml from "sanitize-html";
import TurndownService from "turndown";
import * as Y from "yjs";
import { documentExtensions, documentSchema, FRAGMENT, renderState, type RenderedDocument } from "./render.server.ts";
import { isAllowedHref } from "./schema-extensions.ts";

/**
 * Conversions between what people bring (HTML, Markdown, Word through mammoth)
 * and the Yjs state of a co-edited document. Input HTML is sanitised first,
 * then parsed by the shared TipTap schema, which drops anything it does not know.
 */

export type ContentFormat = "html" | "markdown";

/** Tags the document schema can hold; everything else is unwrapped or dropped. */
const ALLOWED_TAGS = [
  "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "strike", "del",
  "ul", "ol", "li", "blockquote", "hr", "a", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "span", "div",
];

export function sanitiseHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ["href"], th: ["colspan", "rowspan"], td: ["colspan", "rowspan"] },
    allowedSchemes: ["http", "https", "mailto", "tel"],
    // Script and style bodies are dropped with their tags, not kept as text.
    nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "head"],
    exclusiveFilter: (frame) => frame.tag === "a" && Boolean(frame.attribs.href) && !isAllowedHref(frame.attribs.href),
    transformTags: {
      // The schema has levels 2 to 4: a document's own title is the page title.
      h1: "h2",
      h5: "h4",
      h6: "h4",
    },
  });
}

export function markdownToHtml(markdown: string): string {
  // Raw HTML inside Markdown goes through the same sanitiser as any HTML.
  return marked.parse(markdown, { async: false, gfm: true }) as string;
}

export function toSanitisedHtml(content: string, format: ContentFormat): string {
  return sanitiseHtml(format === "markdown" ? markdownToHtml(content) : content);
}

export function htmlToDocumentJson(html: string): JSONContent {
  return generateJSON(sanitiseHtml(html), documentExtensions);
}

export function contentToDocumentJson(content: string, format: ContentFormat): JSONContent {
  return htmlToDocumentJson(format === "markdown" ? markdownToHtml(content) : content);
}

/** A Yjs update that builds the whole document from scratch: the first update of a new document. */
export function documentJsonToYState(json: JSONContent): Uint8Array {
  const doc = new Y.Doc();
  try {
    prosemirrorJSONToYXmlFragment(documentSchema, json as Record<string, unknown>, doc.getXmlFragment(FRAGMENT));
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

export function contentToYState(content: string, format: ContentFormat): Uint8Array {
  return documentJsonToYState(contentToDocumentJson(content, format));
}

function turndown(): TurndownService {
  const service = new TurndownService({ headingStyle: "atx", bulletListMarker: "-", codeBlockStyle: "fenced", emDelimiter: "*" });
  // Tables have no plain-Markdown form worth guessing: keep them as HTML, which Markdown allows.
  service.keep(["table"]);
  return service;
}

export function htmlToMarkdown(html: string): string {
  return turndown().turndown(html);
}

export interface ExportedContent extends RenderedDocument {
  markdown: string;
}

/** HTML, Markdown and text of a stored Yjs state. */
export function stateToContent(state: Uint8Array): ExportedContent {
  const rendered = renderState(state);
  return { ...rendered, markdown: htmlToMarkdown(rendered.html) };
}
