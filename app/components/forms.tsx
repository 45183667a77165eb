import { useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import type { z } from "zod";

/**
 * A form's fields as the browser submits them (strings), named after its schema's keys: for forms
 * checked by the server only, which keep zod out of the page's JavaScript.
 */
export type FormFields<Schema extends z.ZodType> = Record<Extract<keyof z.input<Schema>, string>, string>;

/**
 * What a field component needs to know: satisfied both by conform's fields (forms checked in the browser
 * too) and by `useServerForm`'s (forms checked by the server only). The props are computed here rather
 * than by conform's helpers so that pages without conform do not load it.
 */
export interface FieldLike {
  id: string;
  name: string;
  errorId: string;
  initialValue?: unknown;
  errors?: string[];
  /** Changes when the form is reset, to remount uncontrolled inputs with their default value. */
  key?: string;
}

function controlProps(field: FieldLike, hintId?: string) {
  const invalid = Boolean(field.errors?.length);
  const describedBy = [invalid ? field.errorId : undefined, hintId].filter(Boolean).join(" ");
  return {
    key: field.key,
    id: field.id,
    name: field.name,
    defaultValue: typeof field.initialValue === "string" ? field.initialValue : undefined,
    "aria-invalid": invalid || undefined,
    "aria-describedby": describedBy || undefined,
  };
}

/** A labelled input whose error stands next to it and is announced with it. */
export function TextField({
  field,
  label,
  hint,
  type = "text",
  autoComplete,
}: {
  field: FieldLike;
  label: string;
  hint?: string;
  type?: "text" | "email" | "password" | "tel" | "search" | "number" | "date" | "time";
  autoComplete?: string;
}) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  const { key, ...props } = controlProps(field, hintId);
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <input key={key} {...props} type={type} autoComplete={autoComplete} />
      <FieldError id={field.errorId} errors={field.errors} />
    </div>
  );
}

/** A labelled multi-line input, its error next to it, like TextField. */
export function TextAreaField({
  field,
  label,
  hint,
  rows = 3,
}: {
  field: FieldLike;
  label: string;
  hint?: string;
  rows?: number;
}) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  const { key, ...props } = controlProps(field, hintId);
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <textarea key={key} {...props} rows={rows} />
      <FieldError id={field.errorId} errors={field.errors} />
    </div>
  );
}

export function SelectField({
  field,
  label,
  options,
  placeholder,
}: {
  field: FieldLike;
  label: string;
  options: Array<{ value: string; label: string }>;
  placeholder?: string;
}) {
  const { key, ...props } = controlProps(field);
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <select key={key} {...props}>
        {placeholder ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError id={field.errorId} errors={field.errors} />
    </div>
  );
}

export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  return (
    <p className="field-error" id={id} hidden={!errors?.length}>
      {errors?.join(" ")}
    </p>
  );
}

/** Errors about the whole form (wrong credentials, expired link), announced when they appear. */
export function FormErrors({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return <div id={id} />;
  return (
    <div className="form-error" id={id} role="alert">
      {errors.map((error) => (
        <p key={error}>{error}</p>
      ))}
    </div>
  );
}

export function SubmitButton({ children, className = "button" }: { children: ReactNode; className?: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <button type="submit" className={className} aria-disabled={busy || undefined}>
      {children}
    </button>
  );
}
