import { DEFAULT_THEMES } from "../knowledge/default-themes.ts";
import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";
import type { Network } from "../../../db/schema.ts";
import { activeNetworkIds } from "../auth/actor.server.ts";
import { foldForSearch } from "./normalise.ts";

export async function findNetworkBySlug(db: Executor, slug: string): Promise<Network | undefined> {
  return db.selectFrom("networks").selectAll().where("slug", "=", slug).executeTakeFirst();
}

export interface NetworkSummary {
  id: string;
  slug: string;
  name: string;
  memberCount: number;
}

/** The networks a user belongs to through an active membership. */
export async function listNetworksOfUser(db: Executor, userId: string): Promise<NetworkSummary[]> {
  return db
    .selectFrom("networks")
    .where("networks.id", "in", activeNetworkIds(sql`${userId}::uuid`))
    .select((eb) => [
      "networks.id",
      "networks.slug",
      "networks.name",
      eb
        .selectFrom("organisations")
        .whereRef("organisations.networkId", "=", "networks.id")
        .select(sql<number>`count(*)::int`.as("n"))
        .as("memberCount"),
    ])
    .orderBy("networks.name")
    .execute() as Promise<NetworkSummary[]>;
}

export function slugify(name: string): string {
  return foldForSearch(name).replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "reseau";
}

/** A slug not yet taken: "val-parisis", then "val-parisis-2"... */
export async function uniqueNetworkSlug(db: Executor, name: string): Promise<string> {
  const base = slugify(name);
  const taken = new Set(
    (await db.selectFrom("networks").select("slug").where("slug", "like", `${base}%`).execute()).map((row) => row.slug),
  );
  if (!taken.has(base)) return base;
  for (let suffix = 2; ; suffix++) {
    if (!taken.has(`${base}-${suffix}`)) return `${base}-${suffix}`;
  }
}

export async function createNetwork(
  db: Executor,
  input: { name: string; epciCode?: string | null; cadenceMonths?: number },
): Promise<Network> {
  const network = await db
    .insertInto("networks")
    .values({
      slug: await uniqueNetworkSlug(db, input.name),
      name: input.name.trim(),
      epciCode: input.epciCode ?? null,
      ...(input.cadenceMonths ? { cadenceMonths: input.cadenceMonths } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto("networkThemes")
    .values(DEFAULT_THEMES.map((label, position) => ({ networkId: network.id, label, position })))
    .execute();
  return network;
}

export async function findNetworkById(db: Executor, networkId: string): Promise<Network | undefined> {
  return db.selectFrom("networks").selectAll().where("id", "=", networkId).executeTakeFirst();
}
