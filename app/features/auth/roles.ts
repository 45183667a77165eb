import type { Role } from "../../../db/schema.ts";

export type { Role };

export const roles: readonly Role[] = ["coordinator", "director", "elected", "staff"] as const;

export const roleLabels: Record<Role, string> = {
  coordinator: "Coordinateur·rice du réseau",
  director: "Directeur·rice de CCAS",
  elected: "Élu·e",
  staff: "Agent",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (roles as readonly string[]).includes(value);
}
