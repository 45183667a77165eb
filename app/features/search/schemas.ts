import { z } from "zod";
import { SEARCH_KINDS } from "./kinds.ts";

/**
 * The parameters of a search, shared by the results page (French names in the address) and the JSON API.
 * An unknown filter value is dropped rather than refused: a stale link still shows results.
 */
const optionalUuid = z.string().uuid().optional().catch(undefined);

export const searchFiltersSchema = z.object({
  kind: z.enum(SEARCH_KINDS).optional().catch(undefined),
  organisationId: optionalUuid,
  themeId: optionalUuid,
  year: z.coerce.number().int().min(1900).max(2200).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(500).optional().catch(undefined),
});

export type SearchParameters = z.infer<typeof searchFiltersSchema> & { q: string };

/** Reads the page's address: ?q=…&type=…&ccas=…&theme=…&annee=…&page=… */
export function readSearchPageParams(params: URLSearchParams): SearchParameters {
  const filters = searchFiltersSchema.parse({
    kind: params.get("type") || undefined,
    organisationId: params.get("ccas") || undefined,
    themeId: params.get("theme") || undefined,
    year: params.get("annee") || undefined,
    page: params.get("page") || undefined,
  });
  return { q: params.get("q") ?? "", ...filters };
}

/** The JSON API is strict where the page is lenient: a wrong parameter is a 400 that names it. */
export const apiSearchSchema = z.object({
  q: z.string({ error: "Le paramètre q (les mots à rechercher) est obligatoire." }).max(10_000, "Le paramètre q dépasse 10 000 caractères."),
  network: z.string().max(200).optional(),
  kind: z.enum(SEARCH_KINDS, { error: `Le paramètre kind doit valoir ${SEARCH_KINDS.join(", ")}.` }).optional(),
  organisation: z.string().uuid("Le paramètre organisation doit être l'identifiant d'un CCAS.").optional(),
  theme: z.string().uuid("Le paramètre theme doit être l'identifiant d'un thème.").optional(),
  year: z.coerce.number({ error: "Le paramètre year doit être une année." }).int("Le paramètre year doit être une année.").min(1900, "Le paramètre year doit être une année.").max(2200, "Le paramètre year doit être une année.").optional(),
  page: z.coerce.number({ error: "Le paramètre page doit être un entier de 1 à 500." }).int("Le paramètre page doit être un entier de 1 à 500.").min(1, "Le paramètre page doit être un entier de 1 à 500.").max(500, "Le paramètre page doit être un entier de 1 à 500.").optional(),
});
