import { Form, useNavigate } from "@remix-run/react";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";

export interface SuggestionView {
  title: string;
  kindLabel: string;
  path: string;
}

/**
 * The header's search: a plain GET form to the results page (works without JavaScript), enhanced into an
 * ARIA 1.2 combobox that suggests titles as the user types (arrows to move, Enter to open, Escape to close).
 */
export function SearchBox({ networkSlug }: { networkSlug: string }) {
  const [value, setValue] = useState("");
  const [suggestions, setSuggestions] = useState<SuggestionView[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const navigate = useNavigate();
  const id = useId();
  const listId = `${id}-suggestions`;
  const typed = useRef(false);

  useEffect(() => {
    if (!typed.current || value.trim().length < 2) {
      setSuggestions([]);
      setOpen(false);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/reseaux/${networkSlug}/suggestions?q=${encodeURIComponent(value)}`, {
        signal: controller.signal,
        headers: { accept: "application/json" },
      })
        .then((response) => (response.ok ? response.json() : { suggestions: [] }))
        .then((data: { suggestions: SuggestionView[] }) => {
          setSuggestions(data.suggestions);
          setOpen(data.suggestions.length > 0);
          setActive(-1);
        })
        .catch(() => {});
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [value, networkSlug]);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" && suggestions.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((current) => (current + 1) % suggestions.length);
    } else if (event.key === "ArrowUp" && suggestions.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((current) => (current <= 0 ? suggestions.length - 1 : current - 1));
    } else if (event.key === "Escape") {
      setOpen(false);
      setActive(-1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(suggestions[active]!);
    }
  }

  function choose(suggestion: SuggestionView) {
    setOpen(false);
    setActive(-1);
    navigate(suggestion.path);
  }

  return (
    <Form method="get" action={`/reseaux/${networkSlug}/recherche`} role="search" aria-label="Recherche dans le réseau" className="site-search">
      <label htmlFor={`${id}-q`} className="visually-hidden">
        Rechercher dans le réseau
      </label>
      <input
        id={`${id}-q`}
        type="search"
        name="q"
        value={value}
        placeholder="Rechercher…"
        autoComplete="off"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? `${listId}-${active}` : undefined}
        onChange={(event) => {
          typed.current = true;
          setValue(event.target.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
        maxLength={200}
      />
      <button type="submit" className="button button--secondary">
        Chercher
      </button>
      <ul id={listId} role="listbox" aria-label="Suggestions" className="site-search__suggestions" hidden={!open}>
        {suggestions.map((suggestion, index) => (
          <li
            key={suggestion.path}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(suggestion)}
          >
            {suggestion.title} <span className="muted">— {suggestion.kindLabel}</span>
          </li>
        ))}
      </ul>
      <p className="visually-hidden" aria-live="polite">
        {open ? `${suggestions.length} suggestion${suggestions.length > 1 ? "s" : ""}, flèches haut et bas pour choisir.` : ""}
      </p>
    </Form>
  );
}
