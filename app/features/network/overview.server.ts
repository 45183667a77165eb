import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";

export async function networkOverview(db: Executor, networkId: string, userId: string) {
  const totals = await db
    .selectFrom("organisations")
    .where("networkId", "=", networkId)
    .select([
      sql<number>`count(*)::int`.as("organisationCount"),
      sql<number>`coalesce(sum(population), 0)::int`.as("population"),
      sql<number | null>`max(population_year)`.as("populationYear"),
    ])
    .executeTakeFirstOrThrow();
  const members = await db
    .selectFrom("memberships")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .innerJoin("users", "users.id", "memberships.userId")
    .where("organisations.networkId", "=", networkId)
    .where("memberships.deactivatedAt", "is", null)
    .where("users.deactivatedAt", "is", null)
    .select(sql<number>`count(distinct memberships.user_id)::int`.as("n"))
    .executeTakeFirstOrThrow();
  const myMemberships = await db
    .selectFrom("memberships")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .where("organisations.networkId", "=", networkId)
    .where("memberships.userId", "=", userId)
    .where("memberships.deactivatedAt", "is", null)
    .select(["organisations.id as organisationId", "organisations.name as organisationName", "memberships.role"])
    .execute();
  return { ...totals, activeMemberCount: members.n, myMemberships };
}
