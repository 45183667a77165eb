import { z } from "zod";

export const apiTokenSchema = z.object({
  name: z
    .string({ error: "Donnez un nom à ce jeton, par exemple « Script de veille »." })
    .trim()
    .min(1, "Donnez un nom à ce jeton, par exemple « Script de veille ».")
    .max(80, "Le nom d'un jeton tient en 80 caractères."),
});

export const revokeTokenSchema = z.object({ tokenId: z.string().uuid("Jeton inconnu.") });
