import type { FieldMetadata } from "@conform-to/react";
import { getInputProps, getSelectProps, getTextareaProps } from "@conform-to/react";
import { useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";

/** A labelled input whose error stands next to it and is announced with it. */
export function TextField({
  field,
  label,
  hint,
  type = "text",
  autoComplete,
}: {
  field: FieldMetadata<string | null | undefined>;
  label: string;
  hint?: string;
  type?: "text" | "email" | "password" | "tel" | "search" | "number" | "date" | "time";
  autoComplete?: string;
}) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  const props = getInputProps(field, { type, ariaDescribedBy: hintId });
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <input {...props} autoComplete={autoComplete} />
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
  field: FieldMetadata<string | null | undefined>;
  label: string;
  hint?: string;
  rows?: number;
}) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <textarea {...getTextareaProps(field, { ariaDescribedBy: hintId })} rows={rows} />
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
  field: FieldMetadata<string | null | undefined>;
  label: string;
  options: Array<{ value: string; label: string }>;
  placeholder?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <select {...getSelectProps(field)}>
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
