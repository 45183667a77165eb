import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import type { SuggestionStore } from "./mention-suggestions.ts";

const titles = { member: "Mentionner un membre", document: "Mentionner un document" } as const;
const empty = { member: "Aucun membre ne correspond.", document: "Aucun document ne correspond." } as const;

export function optionId(listId: string, index: number): string {
  return `${listId}-option-${index}`;
}

/**
 * The suggestion list of "@" and "#": a listbox next to the caret. Focus stays
 * in the editor, which points at the highlighted option with
 * aria-activedescendant (set by the editor component).
 */
export function MentionList({ store, listId }: { store: SuggestionStore; listId: string }) {
  const view = useSyncExternalStore(store.subscribe, store.getSnapshot, () => null);
  const boxRef = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null);

  useLayoutEffect(() => {
    if (!view?.rect || !boxRef.current) return setPosition(null);
    const box = boxRef.current.getBoundingClientRect();
    const margin = 8;
    const left = Math.max(margin, Math.min(view.rect.left, window.innerWidth - box.width - margin));
    // Below the caret, or above it when there is no room below.
    const below = view.rect.bottom + 4;
    const top = below + box.height > window.innerHeight - margin && view.rect.top - box.height - 4 > margin ? view.rect.top - box.height - 4 : below;
    setPosition((previous) => (previous && previous.top === top && previous.left === left ? previous : { top, left }));
  }, [view]);

  useEffect(() => {
    if (!view) return;
    document.getElementById(optionId(listId, view.active))?.scrollIntoView({ block: "nearest" });
  }, [view, listId]);

  if (!view || (view.loading && view.items.length === 0)) return null;
  const style = position ? { top: `${position.top}px`, left: `${position.left}px` } : { visibility: "hidden" as const };
  return (
    <div ref={boxRef} className="mention-popup" style={style}>
      {view.items.length === 0 ? (
        <p className="mention-popup__empty">{empty[view.kind]}</p>
      ) : (
        <ul id={listId} role="listbox" aria-label={titles[view.kind]} className="mention-list">
          {view.items.map((item, index) => (
            <li
              key={item.id}
              id={optionId(listId, index)}
              role="option"
              aria-selected={index === view.active}
              className="mention-list__option"
              // The editor keeps the focus: a click picks the item without blurring it.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => store.choose(index)}
              onMouseEnter={() => store.setActive(index)}
            >
              <span className="mention-list__label">
                {view.kind === "member" ? "@" : "#"}
                {item.label}
              </span>
              {item.detail ? <span className="mention-list__detail">{item.detail}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
