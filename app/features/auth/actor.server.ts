import { sql, type RawBuilder } from "kysely";
import type { Executor } from "../../../db/client.ts";
import type { Actor, ActorMembership } from "./permissions.ts";

/** The rows `m` (memberships) and `o` (their organisations) of the active memberships of the user `userId` names. */
function activeMembershipRows(userId: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`memberships m join organisations o on o.id = m.organisation_id where m.user_id = ${userId} and m.deactivated_at is null`;
}

/** The networks of the active memberships of the user `userId` names, as a subquery of their ids. */
export function activeNetworkIds(userId: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(select o.network_id from ${activeMembershipRows(userId)})`;
}

/**
 * The active memberships of the user `userId` names, as a JSON array of ActorMembership: a part of a statement, so that
 * a caller can read them in the same round trip as what it needs first (the API reads them with the token).
 */
export function activeMembershipsJson(userId: RawBuilder<unknown>): RawBuilder<ActorMembership[]> {
  return sql<ActorMembership[]>`coalesce((
    select json_agg(json_build_object('organisationId', m.organisation_id, 'networkId', o.network_id, 'role', m.role))
    from ${activeMembershipRows(userId)}), '[]'::json)`;
}

export interface ActorNetwork {
  id: string;
  slug: string;
  name: string;
}

/** The networks of those memberships, by name, as a JSON array of ActorNetwork: the API reads them with the token. */
export function activeNetworksJson(userId: RawBuilder<unknown>): RawBuilder<ActorNetwork[]> {
  return sql<ActorNetwork[]>`coalesce((select json_agg(json_build_object('id', n.id, 'slug', n.slug, 'name', n.name) order by n.name)
    from networks n where n.id in ${activeNetworkIds(userId)}), '[]'::json)`;
}

/** The signed-in user with their active memberships, as the permission rules need them. */
export async function loadActor(db: Executor, userId: string): Promise<Actor> {
  const { rows } = await sql<{ memberships: ActorMembership[] }>`select ${activeMembershipsJson(sql`${userId}::uuid`)} as memberships`.execute(db);
  return { userId, memberships: rows[0]!.memberships };
}
