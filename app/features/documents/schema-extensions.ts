import type { Extensions } from "@tiptap/core";
import Mention from "@tiptap/extension-mention";
import { TableKit } from "@tiptap/extension-table";
import StarterKit from "@tiptap/starter-kit";

/**
 * The document schema, shared by the editor in the browser and by the server
 * that renders stored documents: both must agree on every node and mark.
 */

export const ALLOWED_LINK_PROTOCOLS = ["http", "https", "mailto", "tel"];

export function isAllowedHref(href: string): boolean {
  try {
    const url = new URL(href, "https://relative.invalid");
    return ALLOWED_LINK_PROTOCOLS.includes(url.protocol.replace(":", ""));
  } catch {
    return false;
  }
}

export const MentionNode = Mention.extend({
  renderHTML({ node, HTMLAttributes }) {
    const char = (node.attrs.mentionSuggestionChar as string | null) ?? "@";
    const label = `${char}${(node.attrs.label as string | null) ?? (node.attrs.id as string | null) ?? ""}`;
    if (char === "#") {
      // A mention of another document links to it; the target checks who may read it.
      return ["a", { ...HTMLAttributes, class: "mention mention--document", href: `/documents/${encodeURIComponent(String(node.attrs.id ?? ""))}` }, label];
    }
    return ["span", { ...HTMLAttributes, class: "mention mention--member" }, label];
  },
});

export function schemaExtensions(): Extensions {
  return [
    StarterKit.configure({
      // Co-editing brings its own history (per user), from the Collaboration extension.
      undoRedo: false,
      heading: { levels: [2, 3, 4] },
      codeBlock: false,
      code: false,
      link: {
        openOnClick: false,
        autolink: true,
        defaultProtocol: "https",
        protocols: ALLOWED_LINK_PROTOCOLS,
        isAllowedUri: (url) => isAllowedHref(url),
        HTMLAttributes: { rel: "noopener noreferrer nofollow", target: null },
      },
    }),
    TableKit.configure({ table: { resizable: false } }),
    MentionNode,
  ];
}
