import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  acceptInvitationSchema,
  changeRoleSchema,
  forgotPasswordSchema,
  invitationSchema,
  PASSWORD_MIN,
  profileSchema,
  resetPasswordSchema,
  signInSchema,
} from "../../app/features/auth/schemas.ts";
import { addOrganisationSchema, communeQuerySchema, organisationDetailsSchema } from "../../app/features/network/schemas.ts";

/** Field → first message, as the form shows it next to the field. */
function errors(schema: z.ZodType, input: unknown): Record<string, string> {
  const result = schema.safeParse(input);
  if (result.success) return {};
  const out: Record<string, string> = {};
  for (const issue of result.error.issues) out[issue.path.join(".") || "(form)"] ??= issue.message;
  return out;
}

const english = /\b(Invalid|Required|expected|received|Too (small|big)|must)\b/;

function expectFrench(messages: Record<string, string>) {
  for (const message of Object.values(messages)) expect(message).not.toMatch(english);
}

const UUID = "4a1f0b1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b";

describe("sign-in and forgotten password forms", () => {
  it("trims the e-mail and keeps the password as typed", () => {
    const parsed = signInSchema.parse({ email: "  claire@mairie-ermont.fr \n", password: "  espaces compris  " });
    expect(parsed.email).toBe("claire@mairie-ermont.fr");
    expect(parsed.password).toBe("  espaces compris  ");
  });

  it("asks for the e-mail and the password in French when they are missing", () => {
    const messages = errors(signInSchema, {});
    expect(messages.email).toBe("Indiquez votre adresse e-mail.");
    expect(messages.password).toBe("Indiquez votre mot de passe.");
    expect(errors(signInSchema, { email: "   ", password: "" })).toEqual({
      email: "Indiquez votre adresse e-mail.",
      password: "Indiquez votre mot de passe.",
    });
  });

  it("refuses a malformed e-mail with an example of a good one", () => {
    for (const email of ["claire", "claire@", "@mairie.fr", "claire mairie.fr", "claire@@mairie.fr"]) {
      expect(errors(forgotPasswordSchema, { email }).email).toBe(
        "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@mairie.fr).",
      );
    }
    expect(errors(forgotPasswordSchema, { email: `${"a".repeat(250)}@x.fr` }).email).toBe("Cette adresse e-mail est trop longue.");
  });
});

describe("new passwords", () => {
  const long = "x".repeat(PASSWORD_MIN);

  it(`needs at least ${PASSWORD_MIN} characters and at most 200`, () => {
    expect(PASSWORD_MIN).toBeGreaterThanOrEqual(12);
    const short = "x".repeat(PASSWORD_MIN - 1);
    expect(errors(resetPasswordSchema, { password: short, confirmPassword: short }).password).toBe(
      `Le mot de passe doit faire au moins ${PASSWORD_MIN} caractères.`,
    );
    expect(errors(resetPasswordSchema, { password: long, confirmPassword: long })).toEqual({});
    const huge = "x".repeat(201);
    expect(errors(resetPasswordSchema, { password: huge, confirmPassword: huge }).password).toBe(
      "Le mot de passe ne doit pas dépasser 200 caractères.",
    );
  });

  it("puts a confirmation mismatch on the confirmation field", () => {
    expect(errors(resetPasswordSchema, { password: long, confirmPassword: `${long}!` })).toEqual({
      confirmPassword: "Les deux mots de passe ne sont pas identiques.",
    });
    expect(errors(resetPasswordSchema, { password: long }).confirmPassword).toBe("Confirmez le mot de passe.");
  });

  it("applies the same rules when accepting an invitation, and requires a name", () => {
    const messages = errors(acceptInvitationSchema, { name: "   ", password: "court", confirmPassword: "autre" });
    expect(messages.name).toBe("Le nom est obligatoire.");
    expect(messages.password).toBe(`Le mot de passe doit faire au moins ${PASSWORD_MIN} caractères.`);
    expectFrench(messages);
    expect(errors(acceptInvitationSchema, { name: "Lina", password: long, confirmPassword: "autre" })).toEqual({
      confirmPassword: "Les deux mots de passe ne sont pas identiques.",
    });
  });

  it("trims the name and turns an empty job title into none", () => {
    const parsed = acceptInvitationSchema.parse({ name: "  Lina Garnier ", jobTitle: "   ", password: long, confirmPassword: long });
    expect(parsed.name).toBe("Lina Garnier");
    expect(parsed.jobTitle).toBeNull();
  });
});

describe("profile", () => {
  it("accepts French phone numbers written the usual ways", () => {
    for (const phone of ["01 34 44 00 00", "01.34.44.00.00", "0134440000", "+33 1 34 44 00 00", "(0)1 34-44-00-00"]) {
      const parsed = profileSchema.safeParse({ name: "Claire", phone });
      expect(parsed.success, phone).toBe(true);
      if (parsed.success) expect(parsed.data.phone).toBe(phone);
    }
  });

  it("refuses letters or too few digits with a French message and an example", () => {
    for (const phone of ["abc", "01 34 ab 00 00", "123", "01 34 44 00 00 00 00 00 00"]) {
      expect(errors(profileSchema, { name: "Claire", phone }).phone, phone).toBe(
        "Ce numéro de téléphone n'est pas valide (exemple : 01 34 44 00 00).",
      );
    }
  });

  it("treats blank phone and job title as not given, and trims what is given", () => {
    const parsed = profileSchema.parse({ name: "  Claire Martin  ", jobTitle: "  Directrice ", phone: "   " });
    expect(parsed).toEqual({ name: "Claire Martin", jobTitle: "Directrice", phone: null });
    expect(profileSchema.parse({ name: "Claire" })).toEqual({ name: "Claire", jobTitle: null, phone: null });
  });

  it("limits the name and job title lengths, in French", () => {
    const messages = errors(profileSchema, { name: "n".repeat(121), jobTitle: "f".repeat(121) });
    expect(messages.name).toBe("Le nom ne doit pas dépasser 120 caractères.");
    expect(messages.jobTitle).toBe("La fonction ne doit pas dépasser 120 caractères.");
    expect(errors(profileSchema, {}).name).toBe("Le nom est obligatoire.");
  });
});

describe("invitations and member changes", () => {
  it("asks for a CCAS and a role in French", () => {
    const messages = errors(invitationSchema, { email: "lina@mairie.fr", organisationId: "", role: "admin" });
    expect(messages.organisationId).toBe("Choisissez un CCAS.");
    expect(messages.role).toBe("Choisissez un rôle.");
    expect(errors(invitationSchema, { email: "lina@mairie.fr", organisationId: UUID })).toEqual({ role: "Choisissez un rôle." });
  });

  it("accepts each of the four roles and nothing else", () => {
    for (const role of ["coordinator", "director", "elected", "staff"]) {
      expect(invitationSchema.safeParse({ email: "a@b.fr", organisationId: UUID, role }).success).toBe(true);
    }
    expect(changeRoleSchema.safeParse({ intent: "change-role", membershipId: UUID, role: "owner" }).success).toBe(false);
    expect(changeRoleSchema.safeParse({ intent: "change-role", membershipId: "1", role: "staff" }).success).toBe(false);
  });
});

describe("CCAS directory forms", () => {
  it("checks the CCAS details in French and trims them", () => {
    const messages = errors(organisationDetailsSchema, { name: " a ", kind: "mairie", email: "accueil", phone: "x" });
    expect(messages).toEqual({
      name: "Le nom doit faire au moins 3 caractères.",
      kind: "Choisissez CCAS ou CIAS.",
      email: "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@mairie.fr).",
      phone: "Ce numéro de téléphone n'est pas valide (exemple : 01 34 44 00 00).",
    });
    expect(
      organisationDetailsSchema.parse({ name: "  CCAS d'Ermont ", kind: "ccas", address: "  ", email: " ", phone: "" }),
    ).toEqual({ name: "CCAS d'Ermont", kind: "ccas", address: null, email: null, phone: null });
  });

  it("takes a five-character INSEE code, Corsica included", () => {
    for (const inseeCode of ["95219", "2A004", "2B033"]) expect(addOrganisationSchema.safeParse({ inseeCode }).success).toBe(true);
    for (const inseeCode of ["9521", "952190", "2C004", "ermont"]) {
      expect(errors(addOrganisationSchema, { inseeCode }).inseeCode).toBe("Code de commune invalide.");
    }
    expect(errors(addOrganisationSchema, {}).inseeCode).toBe("Choisissez une commune.");
  });

  it("limits a commune search to 80 characters", () => {
    expect(communeQuerySchema.parse({ q: "  ermont " }).q).toBe("ermont");
    expect(communeQuerySchema.parse({}).q).toBe("");
    expect(errors(communeQuerySchema, { q: "x".repeat(81) }).q).toBe("Recherche trop longue (80 caractères au plus).");
  });
});
