import { z } from "zod";
import { emailField, phoneField } from "../auth/schemas.ts";

export const organisationDetailsSchema = z.object({
  name: z
    .string({ error: "Le nom est obligatoire." })
    .trim()
    .min(3, "Le nom doit faire au moins 3 caractères.")
    .max(160, "Le nom ne doit pas dépasser 160 caractères."),
  kind: z.enum(["ccas", "cias"], { error: "Choisissez CCAS ou CIAS." }),
  address: z
    .string()
    .trim()
    .max(300, "L'adresse ne doit pas dépasser 300 caractères.")
    .optional()
    .transform((value) => value || null),
  phone: phoneField,
  email: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || null)
    .pipe(z.union([z.null(), emailField])),
});

export const addOrganisationSchema = z.object({
  inseeCode: z.string({ error: "Choisissez une commune." }).regex(/^(\d{5}|2[AB]\d{3})$/, "Code de commune invalide."),
});

export const communeQuerySchema = z.object({
  q: z.string().trim().max(80, "Recherche trop longue (80 caractères au plus).").default(""),
});
