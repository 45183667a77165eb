import type { Editor } from "@tiptap/react";
import { useEditorState } from "@tiptap/react";
import { useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { LinkDialog } from "./link-dialog.tsx";

interface Tool {
  key: string;
  label: ReactNode;
  /** Accessible name when the visible label is not enough. */
  name?: string;
  pressed?: boolean;
  disabled?: boolean;
  shortcut?: string;
  opensDialog?: boolean;
  run(): void;
}

interface Group {
  label: string;
  tools: Tool[];
}

function selectState(editor: Editor) {
  const can = editor.can();
  return {
    h2: editor.isActive("heading", { level: 2 }),
    h3: editor.isActive("heading", { level: 3 }),
    bold: editor.isActive("bold"),
    italic: editor.isActive("italic"),
    bulletList: editor.isActive("bulletList"),
    orderedList: editor.isActive("orderedList"),
    blockquote: editor.isActive("blockquote"),
    link: editor.isActive("link"),
    href: (editor.getAttributes("link").href as string | undefined) ?? "",
    inTable: editor.isActive("table"),
    canInsertTable: can.insertTable({ rows: 3, cols: 3, withHeaderRow: true }),
    canUndo: can.undo(),
    canRedo: can.redo(),
  };
}

/**
 * The formatting toolbar: one tab stop, arrows move between buttons (roving
 * tabindex), toggles say whether they are on (aria-pressed).
 */
export function Toolbar({ editor, editorId }: { editor: Editor; editorId: string }) {
  const state = useEditorState({ editor, selector: ({ editor }) => selectState(editor) });
  const [current, setCurrent] = useState("h2");
  const [linkOpen, setLinkOpen] = useState(false);
  const toolbarRef = useRef<HTMLDivElement>(null);
  const linkButtonRef = useRef<HTMLButtonElement | null>(null);

  // Commands apply to the editor's selection without focusing it: a key that activated a button must not
  // reach the text too (Enter would replace the selection). The focus goes back to the text afterwards.
  const chain = () => editor.chain();
  const backToText = () =>
    setTimeout(() => {
      if (!editor.isDestroyed) editor.commands.focus();
    }, 0);
  const groups: Group[] = [
    {
      label: "Structure",
      tools: [
        { key: "h2", label: "Titre 2", pressed: state.h2, run: () => chain().toggleHeading({ level: 2 }).run() },
        { key: "h3", label: "Titre 3", pressed: state.h3, run: () => chain().toggleHeading({ level: 3 }).run() },
        { key: "bulletList", label: "Liste à puces", pressed: state.bulletList, run: () => chain().toggleBulletList().run() },
        { key: "orderedList", label: "Liste numérotée", pressed: state.orderedList, run: () => chain().toggleOrderedList().run() },
        { key: "blockquote", label: "Citation", pressed: state.blockquote, run: () => chain().toggleBlockquote().run() },
      ],
    },
    {
      label: "Texte",
      tools: [
        { key: "bold", label: <b>Gras</b>, name: "Gras", pressed: state.bold, shortcut: "Control+B", run: () => chain().toggleBold().run() },
        { key: "italic", label: <i>Italique</i>, name: "Italique", pressed: state.italic, shortcut: "Control+I", run: () => chain().toggleItalic().run() },
        { key: "link", label: "Lien", opensDialog: true, run: () => setLinkOpen(true) },
        { key: "unlink", label: "Retirer le lien", disabled: !state.link, run: () => chain().extendMarkRange("link").unsetLink().run() },
      ],
    },
    {
      label: "Tableau",
      tools: [
        {
          key: "table",
          label: "Tableau",
          name: "Insérer un tableau",
          disabled: !state.canInsertTable,
          run: () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
        },
        ...(state.inTable
          ? [
              { key: "addRow", label: "Ajouter une ligne", run: () => chain().addRowAfter().run() },
              { key: "deleteRow", label: "Supprimer la ligne", run: () => chain().deleteRow().run() },
              { key: "addColumn", label: "Ajouter une colonne", run: () => chain().addColumnAfter().run() },
              { key: "deleteColumn", label: "Supprimer la colonne", run: () => chain().deleteColumn().run() },
              { key: "deleteTable", label: "Supprimer le tableau", run: () => chain().deleteTable().run() },
            ]
          : []),
      ],
    },
    {
      label: "Historique",
      tools: [
        { key: "undo", label: "Annuler", disabled: !state.canUndo, shortcut: "Control+Z", run: () => chain().undo().run() },
        { key: "redo", label: "Rétablir", disabled: !state.canRedo, shortcut: "Control+Y", run: () => chain().redo().run() },
      ],
    },
  ];
  const keys = groups.flatMap((group) => group.tools.map((tool) => tool.key));
  const focusable = keys.includes(current) ? current : keys[0];

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...(toolbarRef.current?.querySelectorAll<HTMLButtonElement>("button[data-tool]") ?? [])];
    const index = buttons.findIndex((button) => button === document.activeElement);
    if (index < 0) return;
    let next: number;
    if (event.key === "ArrowRight") next = (index + 1) % buttons.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + buttons.length) % buttons.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = buttons.length - 1;
    else return;
    event.preventDefault();
    buttons[next]!.focus();
  };

  return (
    <>
      <div
        ref={toolbarRef}
        role="toolbar"
        aria-label="Mise en forme"
        aria-controls={editorId}
        className="editor-toolbar"
        onKeyDown={onKeyDown}
      >
        {groups.map((group) => (
          <div key={group.label} role="group" aria-label={group.label} className="editor-toolbar__group">
            {group.tools.map((tool) => (
              <button
                key={tool.key}
                ref={tool.key === "link" ? linkButtonRef : undefined}
                type="button"
                data-tool={tool.key}
                className="editor-toolbar__button"
                tabIndex={tool.key === focusable ? 0 : -1}
                aria-label={tool.name}
                aria-pressed={tool.pressed === undefined ? undefined : tool.pressed}
                aria-disabled={tool.disabled || undefined}
                aria-keyshortcuts={tool.shortcut}
                aria-haspopup={tool.opensDialog ? "dialog" : undefined}
                onFocus={() => setCurrent(tool.key)}
                // A mouse click keeps the editor's selection (and focus) where it was.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => {
                  if (tool.disabled) return;
                  tool.run();
                  if (!tool.opensDialog) backToText();
                }}
              >
                {tool.label}
              </button>
            ))}
          </div>
        ))}
      </div>
      <LinkDialog
        open={linkOpen}
        initialHref={state.href}
        hasLink={state.link}
        onApply={(href) => {
          setLinkOpen(false);
          applyLink(editor, href);
          backToText();
        }}
        onRemove={() => {
          setLinkOpen(false);
          chain().extendMarkRange("link").unsetLink().run();
          backToText();
        }}
        onDismiss={() => {
          setLinkOpen(false);
          linkButtonRef.current?.focus();
        }}
      />
    </>
  );
}

function applyLink(editor: Editor, href: string): void {
  const { empty } = editor.state.selection;
  if (empty && !editor.isActive("link")) {
    // Nothing selected: the address itself becomes the link's text.
    editor
      .chain()
      .insertContent({ type: "text", text: href, marks: [{ type: "link", attrs: { href } }] })
      .run();
    return;
  }
  editor.chain().extendMarkRange("link").setLink({ href }).run();
}
