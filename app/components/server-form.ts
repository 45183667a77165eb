import { useEffect, useRef } from "react";
import type { FieldLike } from "./forms.tsx";

/**
 * Forms checked by the server only: the same French errors next to the fields and the same typed
 * values kept as with conform (the server answers with conform's `submission.reply()`), without
 * loading conform and zod in the browser — for pages held to a JavaScript budget
 * (docs/decisions/009-page-budgets.md).
 */

/** The part of conform's `SubmissionResult` the server sends back. */
export interface ServerReply {
  status?: "error" | "success";
  initialValue?: Record<string, unknown> | null;
  error?: Record<string, string[] | null> | null;
}

export interface ServerForm {
  id: string;
  errorId: string;
  errors?: string[];
  /** For `<Form key={form.key}>`: remounting on each answer puts the answer's values into the inputs. */
  key: number;
  props: { id: string; noValidate: true; "aria-describedby"?: string };
}

export function useServerForm<Fields extends Record<string, string>>(options: {
  id: string;
  lastResult?: ServerReply | null;
  defaultValue?: Partial<Fields>;
}): [ServerForm, Record<keyof Fields, FieldLike>] {
  const { id, lastResult, defaultValue } = options;
  const answers = useRef<{ last: unknown; count: number }>({ last: undefined, count: 0 });
  if (answers.current.last !== lastResult) answers.current = { last: lastResult, count: answers.current.count + 1 };
  const values: Record<string, unknown> = lastResult?.initialValue ?? defaultValue ?? {};
  const errors = lastResult?.error ?? {};
  const formErrors = errors[""] ?? undefined;
  const errorId = `${id}-form-error`;

  // Like conform: after a refused submission, the keyboard goes to the first field in error.
  useEffect(() => {
    if (lastResult?.status !== "error") return;
    document.getElementById(id)?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  }, [id, lastResult]);

  const fields = new Proxy({} as Record<keyof Fields, FieldLike>, {
    get: (_, name) => {
      const field = String(name);
      return {
        id: `${id}-${field}`,
        name: field,
        errorId: `${id}-${field}-error`,
        initialValue: values[field] ?? defaultValue?.[field],
        errors: errors[field] ?? undefined,
      } satisfies FieldLike;
    },
  });
  return [
    {
      id,
      errorId,
      errors: formErrors,
      key: answers.current.count,
      props: { id, noValidate: true, "aria-describedby": formErrors ? errorId : undefined },
    },
    fields,
  ];
}
