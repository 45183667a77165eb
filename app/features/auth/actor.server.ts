import type { Executor } from "../../../db/client.ts";
import type { Actor } from "./permissions.ts";

/** The signed-in user with their active memberships, as the permission rules need them. */
export async function loadActor(db: Executor, userId: string): Promise<Actor> {
  const memberships = await db
    .selectFrom("memberships")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .where("memberships.userId", "=", userId)
    .where("memberships.deactivatedAt", "is", null)
    .select(["memberships.organisationId", "organisations.networkId", "memberships.role"])
    .execute();
  return { userId, memberships };
}
