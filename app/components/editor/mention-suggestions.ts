import type { SuggestionKeyDownProps, SuggestionOptions, SuggestionProps } from "@tiptap/suggestion";
import type { Mentionable } from "./types.ts";

export type MentionKind = "member" | "document";

export interface SuggestionView {
  kind: MentionKind;
  items: Mentionable[];
  active: number;
  query: string;
  loading: boolean;
  /** Where the caret is, in viewport coordinates. */
  rect: { top: number; bottom: number; left: number } | null;
}

const MAX_ITEMS = 8;

/** Lower case without accents: "élise" matches "Élise", "ecole" matches "École". */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

export function filterMentionables(list: Mentionable[], query: string): Mentionable[] {
  const wanted = fold(query.trim());
  if (!wanted) return list.slice(0, MAX_ITEMS);
  const starts: Mentionable[] = [];
  const contains: Mentionable[] = [];
  for (const item of list) {
    const label = fold(item.label);
    if (label.startsWith(wanted) || label.split(/[\s'’-]+/).some((word) => word.startsWith(wanted))) starts.push(item);
    else if (label.includes(wanted) || (item.detail && fold(item.detail).includes(wanted))) contains.push(item);
  }
  return [...starts, ...contains].slice(0, MAX_ITEMS);
}

/**
 * The open suggestion list, shared by TipTap's suggestion plugin (which sends
 * keys typed in the editor) and the React listbox that shows it.
 */
export class SuggestionStore {
  private view: SuggestionView | null = null;
  private command: ((item: { id: string; label: string }) => void) | null = null;
  private readonly listeners = new Set<() => void>();

  get current(): SuggestionView | null {
    return this.view;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SuggestionView | null => this.view;

  private set(view: SuggestionView | null): void {
    this.view = view;
    for (const listener of this.listeners) listener();
  }

  show(kind: MentionKind, props: SuggestionProps<Mentionable>): void {
    const rect = props.clientRect?.() ?? null;
    const sameList = this.view && this.view.kind === kind && this.view.query === props.query;
    this.command = (item) => props.command(item);
    // While the items are being looked up, keep showing the previous ones rather than an empty list.
    const items = props.loading && this.view?.kind === kind ? this.view.items : props.items;
    this.set({
      kind,
      items,
      loading: props.loading && items.length === 0,
      query: props.query,
      active: sameList ? Math.min(this.view!.active, Math.max(0, items.length - 1)) : 0,
      rect: rect ? { top: rect.top, bottom: rect.bottom, left: rect.left } : null,
    });
  }

  hide(): void {
    this.command = null;
    if (this.view) this.set(null);
  }

  move(delta: number): void {
    if (!this.view || this.view.items.length === 0) return;
    const count = this.view.items.length;
    this.set({ ...this.view, active: (this.view.active + delta + count) % count });
  }

  setActive(index: number): void {
    if (this.view) this.set({ ...this.view, active: index });
  }

  choose(index = this.view?.active ?? 0): boolean {
    const item = this.view?.items[index];
    if (!item || !this.command) return false;
    this.command({ id: item.id, label: item.label });
    return true;
  }

  /** Keys typed in the editor while the list is open; true when the list used the key. */
  keyDown(event: KeyboardEvent): boolean {
    if (!this.view) return false;
    switch (event.key) {
      case "ArrowDown":
        this.move(1);
        return true;
      case "ArrowUp":
        this.move(-1);
        return true;
      case "Home":
        if (this.view.items.length === 0) return false;
        this.setActive(0);
        return true;
      case "End":
        if (this.view.items.length === 0) return false;
        this.setActive(this.view.items.length - 1);
        return true;
      case "Enter":
      case "Tab":
        return this.choose();
      case "Escape":
        // The suggestion plugin closes the list itself after telling us.
        this.hide();
        return true;
      default:
        return false;
    }
  }
}

/** The Mention extension's `suggestions`: "@" for members, "#" for documents. */
export function mentionSuggestions(
  store: SuggestionStore,
  source: () => { members: Mentionable[]; documents: Mentionable[] },
): Array<Omit<SuggestionOptions<Mentionable>, "editor">> {
  const renderer = (kind: MentionKind) => () => ({
    onStart: (props: SuggestionProps<Mentionable>) => store.show(kind, props),
    onUpdate: (props: SuggestionProps<Mentionable>) => store.show(kind, props),
    onExit: () => store.hide(),
    onKeyDown: ({ event }: SuggestionKeyDownProps) => store.keyDown(event),
  });
  return [
    { char: "@", items: ({ query }) => filterMentionables(source().members, query), render: renderer("member") },
    { char: "#", items: ({ query }) => filterMentionables(source().documents, query), render: renderer("document") },
  ];
}
