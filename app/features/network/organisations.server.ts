import type { Executor } from "../../../db/client.ts";
import type { Organisation, OrganisationKind } from "../../../db/schema.ts";
import { POPULATION_YEAR, type Commune } from "./communes.server.ts";
import { activeMemberships } from "./members.server.ts";
import { ofCommune } from "./normalise.ts";

export function defaultOrganisationName(kind: OrganisationKind, communeName: string): string {
  if (kind === "cias") return `CIAS ${communeName}`;
  return `CCAS ${ofCommune(communeName)}`;
}

export async function createOrganisationFromCommune(
  db: Executor,
  input: { networkId: string; commune: Commune; kind?: OrganisationKind; address?: string | null },
): Promise<Organisation> {
  const kind = input.kind ?? "ccas";
  return db
    .insertInto("organisations")
    .values({
      networkId: input.networkId,
      kind,
      name: defaultOrganisationName(kind, input.commune.name),
      inseeCode: input.commune.code,
      communeName: input.commune.name,
      departmentCode: input.commune.departmentCode,
      postalCodes: input.commune.postalCodes,
      population: input.commune.population,
      populationYear: input.commune.population === null ? null : POPULATION_YEAR,
      address: input.address ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findOrganisationInNetwork(
  db: Executor,
  networkId: string,
  organisationId: string,
): Promise<Organisation | undefined> {
  return db
    .selectFrom("organisations")
    .selectAll()
    .where("networkId", "=", networkId)
    .where("id", "=", organisationId)
    .executeTakeFirst();
}

export async function isCommuneInNetwork(db: Executor, networkId: string, inseeCode: string): Promise<boolean> {
  const row = await db
    .selectFrom("organisations")
    .select("id")
    .where("networkId", "=", networkId)
    .where("inseeCode", "=", inseeCode)
    .executeTakeFirst();
  return Boolean(row);
}

export interface OrganisationDetailsInput {
  name: string;
  kind: OrganisationKind;
  address: string | null;
  phone: string | null;
  email: string | null;
}

export async function updateOrganisationDetails(
  db: Executor,
  organisationId: string,
  input: OrganisationDetailsInput,
): Promise<void> {
  await db
    .updateTable("organisations")
    .set({ ...input, updatedAt: new Date() })
    .where("id", "=", organisationId)
    .execute();
}

export interface DirectoryContact {
  userId: string;
  name: string;
  email: string;
  phone: string | null;
  jobTitle: string | null;
  role: "coordinator" | "director" | "elected" | "staff";
}

export interface DirectoryEntry extends Organisation {
  contacts: DirectoryContact[];
}

/** Every member CCAS of a network with its active members, in one query per table. */
export async function listDirectory(db: Executor, networkId: string): Promise<DirectoryEntry[]> {
  const organisations = await db
    .selectFrom("organisations")
    .selectAll()
    .where("networkId", "=", networkId)
    .orderBy("communeName")
    .execute();
  const contacts = await listContacts(db, networkId);
  return organisations.map((organisation) => ({
    ...organisation,
    contacts: contacts.filter((contact) => contact.organisationId === organisation.id),
  }));
}

async function listContacts(db: Executor, networkId: string, organisationId?: string) {
  let query = activeMemberships(db, networkId)
    .select([
      "memberships.organisationId",
      "users.id as userId",
      "users.name",
      "users.email",
      "users.phone",
      "users.jobTitle",
      "memberships.role",
    ])
    .orderBy("users.name");
  if (organisationId) query = query.where("memberships.organisationId", "=", organisationId);
  return query.execute();
}

export async function getDirectoryEntry(
  db: Executor,
  networkId: string,
  organisationId: string,
): Promise<DirectoryEntry | undefined> {
  const organisation = await findOrganisationInNetwork(db, networkId, organisationId);
  if (!organisation) return undefined;
  return { ...organisation, contacts: await listContacts(db, networkId, organisationId) };
}

/** The network's CCAS as (id, name), in commune order: for pickers. */
export async function listOrganisationNames(db: Executor, networkId: string): Promise<Array<{ id: string; name: string }>> {
  return db.selectFrom("organisations").select(["id", "name"]).where("networkId", "=", networkId).orderBy("communeName").execute();
}

/** INSEE codes of the communes whose CCAS already belong to the network. */
export async function memberInseeCodes(db: Executor, networkId: string): Promise<Set<string>> {
  const rows = await db.selectFrom("organisations").select("inseeCode").where("networkId", "=", networkId).execute();
  return new Set(rows.map((row) => row.inseeCode));
}
