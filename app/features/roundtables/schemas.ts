import { z } from "zod";

/** Round-table forms: shared by the server (authoritative) and the browser (conform). */

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "Identifiant invalide.");

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} ne doit pas dépasser ${max} caractères.`)
    .optional()
    .transform((value) => value || null);

const minutesField = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${label} : indiquez un nombre de minutes.` })
    .int(`${label} : indiquez un nombre entier de minutes.`)
    .min(min, `${label} : au moins ${min} minute${min > 1 ? "s" : ""}.`)
    .max(max, `${label} : ${max} minutes au plus.`);

export const agendaItemSchema = z.object({
  title: z
    .string({ error: "Le titre est obligatoire." })
    .trim()
    .min(3, "Le titre doit faire au moins 3 caractères.")
    .max(160, "Le titre ne doit pas dépasser 160 caractères."),
  description: optionalText("La description", 2000),
  kind: z.enum(["information", "exchange", "decision"], { error: "Choisissez le type de point." }),
  estimatedMinutes: minutesField("Durée estimée", 1, 480),
  proposingOrganisationId: uuid.optional(),
});

export const editAgendaItemSchema = agendaItemSchema.omit({ proposingOrganisationId: true }).extend({
  itemId: uuid,
  version: z.coerce.number().int().min(1),
});

export const itemDecisionSchema = z.object({
  itemId: uuid,
  version: z.coerce.number().int().min(1),
});

export const declineItemSchema = itemDecisionSchema.extend({
  reason: z
    .string({ error: "Indiquez pourquoi ce point n'est pas retenu." })
    .trim()
    .min(3, "Indiquez pourquoi ce point n'est pas retenu (3 caractères au moins).")
    .max(500, "La raison ne doit pas dépasser 500 caractères."),
});

/** Up/down by one (buttons, keyboard) or to a given rank among the items still on the agenda (drag and drop). */
export const moveItemSchema = z.union([
  z.object({ itemId: uuid, direction: z.enum(["up", "down"]) }),
  z.object({ itemId: uuid, toIndex: z.coerce.number().int().min(0).max(1000) }),
]);

export const meetingStatusSchema = z.object({
  status: z.enum(["planned", "agenda_open", "agenda_closed", "held", "minutes_published"]),
});

export const meetingDetailsSchema = z.object({
  date: z.string({ error: "Indiquez la date." }).regex(/^\d{4}-\d{2}-\d{2}$/, "Indiquez la date (jj/mm/aaaa)."),
  time: z.string({ error: "Indiquez l'heure." }).regex(/^\d{2}:\d{2}$/, "Indiquez l'heure (hh:mm)."),
  durationMinutes: minutesField("Durée", 30, 720),
  place: optionalText("Le lieu", 300),
  accessDetails: optionalText("L'accès", 1000),
  hostTheme: optionalText("Le thème", 200),
  version: z.coerce.number().int().min(1),
});

export const createMeetingSchema = z.object({
  startsAt: z.string().datetime({ offset: true, error: "Date de la table ronde invalide." }),
  hostOrganisationId: uuid,
  overrideReason: optionalText("La raison", 500),
});

export const rotationPreferenceSchema = z.object({
  organisationId: uuid,
  tieOrder: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? Number(value) : null))
    .refine((value) => value === null || (Number.isInteger(value) && value >= 1 && value <= 999), "Indiquez un rang entre 1 et 999."),
  neverHosts: z
    .string()
    .optional()
    .transform((value) => value === "on"),
});

export const rotationExceptionSchema = z
  .object({
    organisationId: uuid,
    startsOn: z.string({ error: "Indiquez le début de la période." }).regex(/^\d{4}-\d{2}-\d{2}$/, "Indiquez le début de la période."),
    endsOn: z.string({ error: "Indiquez la fin de la période." }).regex(/^\d{4}-\d{2}-\d{2}$/, "Indiquez la fin de la période."),
    reason: optionalText("La raison", 300),
  })
  .refine((value) => value.startsOn <= value.endsOn, { path: ["endsOn"], message: "La fin de la période doit suivre son début." });

export const attendeeSchema = z.object({
  organisationId: uuid,
  name: z
    .string({ error: "Indiquez le nom de la personne." })
    .trim()
    .min(2, "Indiquez le nom de la personne.")
    .max(120, "Le nom ne doit pas dépasser 120 caractères."),
  function: z.enum(["elected", "director", "other"], { error: "Choisissez la fonction de la personne." }),
  accessibilityNeeds: optionalText("Les besoins d'accessibilité", 500),
});

export const attendeeIdSchema = z.object({ attendeeId: uuid });
export const presenceSchema = attendeeIdSchema.extend({ attended: z.enum(["oui", "non"]) });

export const followUpSchema = z.object({
  title: z
    .string({ error: "Décrivez l'action." })
    .trim()
    .min(3, "Décrivez l'action (3 caractères au moins).")
    .max(300, "L'action ne doit pas dépasser 300 caractères."),
  ownerOrganisationId: z
    .string({ error: "Choisissez le CCAS qui porte l'action." })
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "Choisissez le CCAS qui porte l'action."),
  dueOn: z.string({ error: "Indiquez l'échéance." }).regex(/^\d{4}-\d{2}-\d{2}$/, "Indiquez l'échéance."),
});

export const followUpStatusSchema = z.object({ actionId: uuid, status: z.enum(["open", "done", "dropped"]) });
