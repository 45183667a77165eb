import type { z } from "zod";

/** Refused input, field by field, in French: forms show it next to the fields, the API returns it as JSON. */
export class KnowledgeInputError extends Error {
  constructor(readonly fieldErrors: Record<string, string[]>) {
    super(Object.values(fieldErrors).flat()[0] ?? "Saisie invalide.");
    this.name = "KnowledgeInputError";
  }
}

/** The schema's output, or a KnowledgeInputError with its French messages by field (dotted paths). */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "form";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  throw new KnowledgeInputError(fieldErrors);
}
