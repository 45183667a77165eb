import { parse } from "@conform-to/dom";
import { KnowledgeInputError } from "./knowledge.server.ts";

/**
 * The pages' forms of watch pages and practice notes: the submitted fields,
 * read into the shape the knowledge functions take (which validate them), and
 * refusals turned into field messages with the typed values kept.
 */

export type FormPayload = Record<string, unknown>;

export interface KnowledgeFormFailure {
  ok: false;
  errors: Record<string, string[]>;
  payload: FormPayload;
}

export function readPayload(formData: FormData): FormPayload {
  return parse(formData, { resolve: () => ({ value: undefined }) }).payload as FormPayload;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** A form lists every theme and reference: absent ones were cleared, unlike a JSON patch that omits them. */
export function knowledgeFields(payload: FormPayload, kind: "wiki" | "practice") {
  const themes = payload.themes === undefined ? [] : Array.isArray(payload.themes) ? payload.themes : [payload.themes];
  const common = {
    title: text(payload.title) ?? "",
    themes: themes.filter((theme): theme is string => typeof theme === "string"),
    reviewOn: text(payload.reviewOn) ?? null,
    legalReferences: Array.isArray(payload.legalReferences) ? (payload.legalReferences as never[]) : [],
  };
  // The section and the responsible are in the form only for those who may change them: absent, they stay as they are.
  const ownerUserId = payload.ownerUserId === undefined ? undefined : (text(payload.ownerUserId) ?? null);
  if (kind === "wiki") return { ...common, sectionId: payload.sectionId === undefined ? undefined : (text(payload.sectionId) ?? null), ownerUserId };
  return {
    ...common,
    ownerUserId,
    published: payload.published === "on",
    cost: text(payload.cost) ?? null,
    partners: text(payload.partners) ?? null,
    contactName: text(payload.contactName) ?? null,
    contactDetails: text(payload.contactDetails) ?? null,
  };
}

/** Runs a knowledge write; refused input comes back as field messages with what was typed. */
export async function attempt<T>(payload: FormPayload, work: () => Promise<T>): Promise<{ ok: true; value: T } | KnowledgeFormFailure> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof KnowledgeInputError) return { ok: false, errors: error.fieldErrors, payload };
    throw error;
  }
}
