import { z } from "zod";

export const documentTitleSchema = z.object({
  title: z
    .string({ error: "Le titre est obligatoire." })
    .trim()
    .min(3, "Le titre doit faire au moins 3 caractères.")
    .max(160, "Le titre ne doit pas dépasser 160 caractères."),
});

export const namedVersionSchema = z.object({
  intent: z.literal("save-version"),
  label: z
    .string({ error: "Donnez un nom à cette version." })
    .trim()
    .min(3, "Le nom de la version doit faire au moins 3 caractères.")
    .max(120, "Le nom de la version ne doit pas dépasser 120 caractères."),
});

export const restoreSchema = z.object({
  intent: z.literal("restore"),
  revisionId: z.coerce.number().int().positive(),
  confirm: z.literal("oui").optional(),
});
