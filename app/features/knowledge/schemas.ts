import { z } from "zod";

/**
 * Watch pages and practice notes: one schema each, used by the pages (conform)
 * and by the server functions themselves, so that any caller (form, import, API)
 * is held to the same rules.
 */

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuid = z.string().regex(uuidPattern, "Identifiant invalide.");

const blankToNull = (value: unknown) => (typeof value === "string" && value.trim() === "" ? null : value);

const optionalText = (label: string, max: number) =>
  z.preprocess(
    blankToNull,
    z.string().trim().max(max, `${label} ne doit pas dépasser ${max} caractères.`).nullish(),
  ).transform((value) => value ?? null);

const isoDate = (message: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), message);

const optionalDate = (message: string) => z.preprocess(blankToNull, isoDate(message).nullish()).transform((value) => value ?? null);

export const titleField = z
  .string({ error: "Le titre est obligatoire." })
  .trim()
  .min(3, "Le titre doit faire au moins 3 caractères.")
  .max(160, "Le titre ne doit pas dépasser 160 caractères.");

export const legalReferenceSchema = z.object({
  code: z.string({ error: "Indiquez le code ou le texte (par exemple : CSP, CASF, loi n° 2023-1196)." }).trim().min(2, "Indiquez le code ou le texte (par exemple : CSP, CASF).").max(120, "Le code ne doit pas dépasser 120 caractères."),
  article: z.string({ error: "Indiquez l'article." }).trim().min(1, "Indiquez l'article.").max(60, "L'article ne doit pas dépasser 60 caractères."),
  url: z
    .preprocess(
      blankToNull,
      z
        .string()
        .trim()
        .max(500, "Le lien ne doit pas dépasser 500 caractères.")
        .regex(/^https:\/\/[^\s]+$/i, "Le lien doit être une adresse https:// vers le texte officiel.")
        .nullish(),
    )
    .transform((value) => value ?? null),
  effectiveOn: optionalDate("Date d'effet invalide (jj/mm/aaaa)."),
});
export type LegalReferenceInput = z.input<typeof legalReferenceSchema>;

/** A form sends every row of the references table; rows left entirely blank are not references. */
const legalReferences = z.preprocess(
  (value) =>
    Array.isArray(value)
      ? value.filter((row) => row && typeof row === "object" && Object.values(row as Record<string, unknown>).some((cell) => typeof cell === "string" && cell.trim() !== ""))
      : value,
  z.array(legalReferenceSchema).max(30, "30 références au plus par page."),
);

const themes = z.preprocess(
  (value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.string().trim().min(1).max(80, "Thème inconnu.")).max(20, "20 thèmes au plus."),
);

export const contentSchema = z.object({
  body: z.string().max(2_000_000, "Le texte dépasse 2 Mo : découpez-le en plusieurs pages."),
  format: z.enum(["html", "markdown"], { error: "Format du texte : « html » ou « markdown »." }),
});

const knowledgeFields = {
  title: titleField,
  /** Identifiers or labels of the network's themes. */
  themes: themes.optional(),
  reviewOn: optionalDate("Date de révision invalide (jj/mm/aaaa).").optional(),
  legalReferences: legalReferences.optional(),
  content: contentSchema.optional(),
};

export const watchPageSchema = z.object({
  ...knowledgeFields,
  sectionId: z.preprocess(blankToNull, uuid.nullish()).transform((value) => value ?? null).optional(),
});
export type WatchPageInput = z.input<typeof watchPageSchema>;
/** Changing a page's or note's responsible (blank: none chosen, refused by the update; absent: unchanged). */
const ownerUserId = z.preprocess(blankToNull, z.string().regex(uuidPattern, "Choisissez le nouveau responsable dans la liste.").nullable()).optional();
export const watchPageUpdateSchema = watchPageSchema.partial().extend({ ownerUserId });
export type WatchPageUpdate = z.input<typeof watchPageUpdateSchema>;

const checkbox = z.preprocess((value) => value === true || value === "on" || value === "true", z.boolean());

export const practiceNoteSchema = z.object({
  ...knowledgeFields,
  /** Published notes are read by the whole network; drafts by their own CCAS only. */
  published: checkbox.optional(),
  cost: optionalText("Le coût", 500).optional(),
  partners: optionalText("Les partenaires", 1000).optional(),
  contactName: optionalText("Le nom du contact", 160).optional(),
  contactDetails: optionalText("Les coordonnées du contact", 300).optional(),
});
export type PracticeNoteInput = z.input<typeof practiceNoteSchema>;
export const practiceNoteUpdateSchema = practiceNoteSchema.partial().extend({ ownerUserId });
export type PracticeNoteUpdate = z.input<typeof practiceNoteUpdateSchema>;

export const createPracticeNoteFormSchema = practiceNoteSchema.extend({ organisationId: uuid });

export const sectionSchema = z.object({
  title: z.string({ error: "Le nom de la section est obligatoire." }).trim().min(2, "Le nom de la section doit faire au moins 2 caractères.").max(120, "Le nom de la section ne doit pas dépasser 120 caractères."),
  parentId: z.preprocess(blankToNull, uuid.nullish()).transform((value) => value ?? null).optional(),
});

export const renameSectionSchema = z.object({ sectionId: uuid, title: sectionSchema.shape.title });

export const moveSectionSchema = z.object({ sectionId: uuid, direction: z.enum(["up", "down"]) });

const pageId = z.string({ error: "Choisissez la page à déplacer." }).regex(uuidPattern, "Cette page n'existe pas ou n'est pas accessible.");

export const movePageSchema = z.object({
  documentId: pageId,
  direction: z.enum(["up", "down"], { error: "Indiquez s'il faut monter ou descendre la page." }),
});

/** A blank section: the page goes to « Pages sans section ». */
export const filePageSchema = z.object({
  documentId: pageId,
  sectionId: z.preprocess(blankToNull, uuid.nullish()).transform((value) => value ?? null),
});

export const proposeToAgendaSchema = z.object({
  kind: z.enum(["information", "exchange", "decision"], { error: "Choisissez le type de point." }).default("exchange"),
  estimatedMinutes: z.coerce.number({ error: "Durée estimée : indiquez un nombre de minutes." }).int("Durée estimée : un nombre entier de minutes.").min(1, "Durée estimée : au moins 1 minute.").max(480, "Durée estimée : 480 minutes au plus.").default(20),
  description: optionalText("La description", 2000).optional(),
});
