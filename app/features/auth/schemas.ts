import { z } from "zod";
import { roles } from "./roles.ts";

/** Form rules shared by the server (authoritative) and the browser (early feedback). */

export const PASSWORD_MIN = 12;

const requiredText = (label: string, max: number) =>
  z
    .string({ error: `${label} est obligatoire.` })
    .trim()
    .min(1, `${label} est obligatoire.`)
    .max(max, `${label} ne doit pas dépasser ${max} caractères.`);

export const emailField = z
  .string({ error: "Indiquez votre adresse e-mail." })
  .trim()
  .min(1, "Indiquez votre adresse e-mail.")
  .max(254, "Cette adresse e-mail est trop longue.")
  .pipe(z.email("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@mairie.fr)."));

export const newPasswordField = z
  .string({ error: "Choisissez un mot de passe." })
  .min(PASSWORD_MIN, `Le mot de passe doit faire au moins ${PASSWORD_MIN} caractères.`)
  .max(200, "Le mot de passe ne doit pas dépasser 200 caractères.");

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} ne doit pas dépasser ${max} caractères.`)
    .optional()
    .transform((value) => (value ? value : null));

export const phoneField = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : null))
  .refine((value) => value === null || /^\+?[0-9 .()-]{6,20}$/.test(value), {
    message: "Ce numéro de téléphone n'est pas valide (exemple : 01 34 44 00 00).",
  });

export const signInSchema = z.object({
  email: emailField,
  password: z.string({ error: "Indiquez votre mot de passe." }).min(1, "Indiquez votre mot de passe.").max(200),
  redirectTo: z.string().optional(),
});

export const forgotPasswordSchema = z.object({ email: emailField });

const confirmedPassword = z
  .object({
    password: newPasswordField,
    confirmPassword: z.string({ error: "Confirmez le mot de passe." }),
  })
  .refine((value) => value.password === value.confirmPassword, {
    path: ["confirmPassword"],
    message: "Les deux mots de passe ne sont pas identiques.",
  });

export const resetPasswordSchema = confirmedPassword;

export const acceptInvitationSchema = z
  .object({
    name: requiredText("Le nom", 120),
    jobTitle: optionalText("La fonction", 120),
    password: newPasswordField,
    confirmPassword: z.string({ error: "Confirmez le mot de passe." }),
  })
  .refine((value) => value.password === value.confirmPassword, {
    path: ["confirmPassword"],
    message: "Les deux mots de passe ne sont pas identiques.",
  });

export const profileSchema = z.object({
  name: requiredText("Le nom", 120),
  jobTitle: optionalText("La fonction", 120),
  phone: phoneField,
});

export const invitationSchema = z.object({
  email: emailField,
  organisationId: z.uuid("Choisissez un CCAS."),
  role: z.enum(roles, { error: "Choisissez un rôle." }),
});

export const changeRoleSchema = z.object({
  intent: z.literal("change-role"),
  membershipId: z.uuid(),
  role: z.enum(roles, { error: "Choisissez un rôle." }),
});

export const deactivateMembershipSchema = z.object({
  intent: z.literal("deactivate"),
  membershipId: z.uuid(),
});
