import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { isAllowedHref } from "../../features/documents/schema-extensions.ts";

export const LINK_ERRORS = {
  empty: "Indiquez l'adresse du lien.",
  forbidden: "Cette adresse n'est pas acceptée : elle doit commencer par https://, http://, mailto: ou tel:.",
} as const;

/** "www.legifrance.gouv.fr" → "https://www.legifrance.gouv.fr"; anything with a scheme is kept as typed. */
export function normaliseHref(value: string): string {
  const href = value.trim();
  if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("/") || href.startsWith("#")) return href;
  return `https://${href}`;
}

export function validateHref(value: string): { ok: true; href: string } | { ok: false; message: string } {
  const href = normaliseHref(value);
  if (!href) return { ok: false, message: LINK_ERRORS.empty };
  if (!isAllowedHref(href)) return { ok: false, message: LINK_ERRORS.forbidden };
  return { ok: true, href };
}

interface LinkDialogProps {
  open: boolean;
  initialHref: string;
  /** Whether the selection already has a link (offers to remove it). */
  hasLink: boolean;
  onApply(href: string): void;
  onRemove(): void;
  /** Closed without change (Escape, "Fermer"): the caller puts the focus back. */
  onDismiss(): void;
}

/** Asks for a link's address in a modal <dialog> (focus kept inside, Escape closes). */
export function LinkDialog({ open, initialHref, hasLink, onApply, onRemove, onDismiss }: LinkDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState(initialHref);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const dismissRef = useRef(onDismiss);
  dismissRef.current = onDismiss;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setValue(initialHref);
      setError(null);
      dialog.showModal();
      inputRef.current?.focus();
      inputRef.current?.select();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open, initialHref]);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    // Escape: the browser fires "cancel"; we close ourselves so that the state stays the source of truth.
    const cancel = (event: Event) => {
      event.preventDefault();
      dialog.close();
      dismissRef.current();
    };
    dialog.addEventListener("cancel", cancel);
    return () => dialog.removeEventListener("cancel", cancel);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validateHref(value);
    if (!result.ok) {
      setError(result.message);
      inputRef.current?.focus();
      return;
    }
    setError(null);
    // Closed before the caller moves the focus, so that the browser's own focus return does not undo it.
    dialogRef.current?.close();
    onApply(result.href);
  };

  const closeThen = (action: () => void) => () => {
    dialogRef.current?.close();
    action();
  };

  const titleId = `${id}-title`;
  const inputId = `${id}-href`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <dialog ref={dialogRef} className="link-dialog" aria-labelledby={titleId}>
      <form onSubmit={submit} noValidate>
        <h2 id={titleId}>{hasLink ? "Modifier le lien" : "Ajouter un lien"}</h2>
        <div className="field">
          <label htmlFor={inputId}>Adresse du lien</label>
          <span className="hint" id={hintId}>
            Par exemple https://www.legifrance.gouv.fr, mailto:accueil@ccas.fr ou tel:0130000000
          </span>
          <input
            ref={inputRef}
            id={inputId}
            name="href"
            type="url"
            inputMode="url"
            autoComplete="url"
            spellCheck={false}
            value={value}
            onChange={(event) => setValue(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${hintId} ${errorId}` : hintId}
          />
          {error ? (
            <p className="field-error" id={errorId}>
              {error}
            </p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Appliquer le lien
          </button>
          {hasLink ? (
            <button type="button" className="button button--secondary" onClick={closeThen(onRemove)}>
              Retirer le lien
            </button>
          ) : null}
          <button type="button" className="button button--secondary" onClick={closeThen(onDismiss)}>
            Fermer
          </button>
        </div>
      </form>
    </dialog>
  );
}
