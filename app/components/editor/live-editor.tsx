import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { Placeholder } from "@tiptap/extensions";
import { EditorContent, Extension, useEditor, type Extensions } from "@tiptap/react";
import { useEffect, useRef, useState } from "react";
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { MentionNode, schemaExtensions } from "../../features/documents/schema-extensions.ts";
import { MentionList, optionId } from "./mention-list.tsx";
import { mentionSuggestions, SuggestionStore } from "./mention-suggestions.ts";
import { Toolbar } from "./toolbar.tsx";
import type { EditorUser, Mentionable } from "./types.ts";

/** The Yjs XmlFragment the server stores and renders (FRAGMENT in render.server.ts, a server-only module). */
export const YJS_FIELD = "default";

export interface LiveEditorProps {
  doc: Y.Doc;
  awareness: Awareness;
  editorId: string;
  label: string;
  editable: boolean;
  user: EditorUser;
  mentionables: { members: Mentionable[]; documents: Mentionable[] };
  autoFocus?: boolean;
}

/** A remote person's caret: a coloured bar with their name (colours set through the CSSOM, not style attributes). */
function renderCaret(user: Record<string, unknown>): HTMLElement {
  const color = typeof user.color === "string" ? user.color : "transparent";
  const caret = document.createElement("span");
  caret.className = "collaboration-carets__caret";
  caret.setAttribute("aria-hidden", "true");
  caret.style.borderColor = color;
  const label = document.createElement("span");
  label.className = "collaboration-carets__label";
  label.style.backgroundColor = color;
  label.textContent = typeof user.name === "string" ? user.name : "";
  caret.append(label);
  return caret;
}

/**
 * The shared schema (schemaExtensions(), exactly the server's nodes and marks)
 * plus behaviour only: Yjs binding, carets, mention suggestions, placeholder.
 */
function editorExtensions(options: {
  doc: Y.Doc;
  awareness: Awareness;
  user: EditorUser;
  store: SuggestionStore;
  mentionables: () => { members: Mentionable[]; documents: Mentionable[] };
  toolbarOf: () => HTMLElement | null;
}): Extensions {
  const shared = schemaExtensions().map((extension) =>
    extension === MentionNode || extension.name === MentionNode.name
      ? MentionNode.configure({ suggestions: mentionSuggestions(options.store, options.mentionables) })
      : extension,
  );
  return [
    ...shared,
    Collaboration.configure({ document: options.doc, field: YJS_FIELD }),
    CollaborationCaret.configure({
      provider: { awareness: options.awareness },
      user: { id: options.user.id, name: options.user.name, color: options.user.color },
      render: renderCaret,
    }),
    // Tab moves between table cells and indents lists: Alt+F10 (as in other editors) reaches the toolbar from anywhere.
    Extension.create({
      name: "toolbarShortcut",
      addKeyboardShortcuts: () => ({
        "Alt-F10": () => {
          const button = options.toolbarOf()?.querySelector<HTMLButtonElement>('button[tabindex="0"]');
          button?.focus();
          return Boolean(button);
        },
      }),
    }),
    Placeholder.configure({
      placeholder: "Écrivez ici. Tapez @ pour mentionner un membre, # pour citer un autre document.",
    }),
  ];
}

function editorAttributes(options: { id: string; label: string; editable: boolean }): Record<string, string> {
  return {
    id: options.id,
    class: "document-content document-content--live",
    role: "textbox",
    "aria-multiline": "true",
    "aria-label": options.label,
    "aria-readonly": options.editable ? "false" : "true",
    "aria-describedby": `${options.id}-help`,
    // A reader can still reach the text with the keyboard (and a click focuses it, not the page around it).
    ...(options.editable ? {} : { tabindex: "0" }),
  };
}

export function LiveEditor({ doc, awareness, editorId, label, editable, user, mentionables, autoFocus }: LiveEditorProps) {
  const [store] = useState(() => new SuggestionStore());
  const mentionablesRef = useRef(mentionables);
  mentionablesRef.current = mentionables;
  const listId = `${editorId}-suggestions`;

  const editor = useEditor(
    {
      immediatelyRender: true,
      shouldRerenderOnTransaction: false,
      // The CSP forbids <style> elements: TipTap's base styles are in styles.css.
      injectCSS: false,
      editable,
      extensions: editorExtensions({
        doc,
        awareness,
        user,
        store,
        mentionables: () => mentionablesRef.current,
        toolbarOf: () => document.querySelector(`[role="toolbar"][aria-controls="${CSS.escape(editorId)}"]`),
      }),
      editorProps: { attributes: editorAttributes({ id: editorId, label, editable }) },
    },
    [doc, awareness],
  );

  useEffect(() => {
    if (editor.isDestroyed || editor.isEditable === editable) return;
    editor.setOptions({ editable, editorProps: { ...editor.options.editorProps, attributes: editorAttributes({ id: editorId, label, editable }) } });
  }, [editor, editable, editorId, label]);

  useEffect(() => {
    if (autoFocus && editable && !editor.isDestroyed) editor.commands.focus("end");
    // Once, when the live editor appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editor]);

  // The editor keeps the focus while the suggestion list is open and points at the highlighted option.
  useEffect(() => {
    const sync = () => {
      if (editor.isDestroyed) return;
      const dom = editor.view.dom;
      const view = store.current;
      if (view && view.items.length > 0) {
        dom.setAttribute("aria-controls", listId);
        dom.setAttribute("aria-activedescendant", optionId(listId, view.active));
        dom.setAttribute("aria-autocomplete", "list");
      } else {
        dom.removeAttribute("aria-controls");
        dom.removeAttribute("aria-activedescendant");
        dom.removeAttribute("aria-autocomplete");
      }
    };
    sync();
    return store.subscribe(sync);
  }, [editor, store, listId]);

  return (
    <>
      {editable ? <Toolbar editor={editor} editorId={editorId} /> : null}
      <EditorContent editor={editor} className="editor-surface" />
      <p id={`${editorId}-help`} className="visually-hidden">
        {editable
          ? "Alt+F10 : aller à la barre de mise en forme. Tapez @ pour mentionner un membre, # pour citer un document."
          : "Document en lecture seule."}
      </p>
      <MentionList store={store} listId={listId} />
    </>
  );
}
