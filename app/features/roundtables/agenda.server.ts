import { sql } from "kysely";
import { inTransaction, type Executor } from "../../../db/client.ts";
import type { AgendaItemKind, AgendaItemStatus } from "../../../db/schema.ts";
import { recordAudit } from "../auth/audit.server.ts";
import { authorize } from "../auth/guards.server.ts";
import { can, type Actor } from "../auth/permissions.ts";
import { agendaManageable, agendaOpenForProposals, itemStatusLabels, moveInList } from "./agenda.ts";
import type { MeetingRecord } from "./meetings.server.ts";

/** The agenda of one meeting, built in common: proposals, supports, decisions, order. */

export interface AgendaItemView {
  id: string;
  position: number;
  title: string;
  description: string | null;
  kind: AgendaItemKind;
  estimatedMinutes: number;
  status: AgendaItemStatus;
  declineReason: string | null;
  version: number;
  proposedBy: string | null;
  proposerName: string | null;
  proposingOrganisationName: string | null;
  carriedOverFromDate: Date | null;
  supportCount: number;
  supportedByMe: boolean;
}

export async function listAgenda(db: Executor, meetingId: string, userId: string): Promise<AgendaItemView[]> {
  return db
    .selectFrom("agendaItems")
    .leftJoin("users", "users.id", "agendaItems.proposedBy")
    .leftJoin("organisations", "organisations.id", "agendaItems.proposingOrganisationId")
    .leftJoin("agendaItems as origin", "origin.id", "agendaItems.carriedOverFromId")
    .leftJoin("meetings as originMeeting", "originMeeting.id", "origin.meetingId")
    .where("agendaItems.meetingId", "=", meetingId)
    .select((eb) => [
      "agendaItems.id",
      "agendaItems.position",
      "agendaItems.title",
      "agendaItems.description",
      "agendaItems.kind",
      "agendaItems.estimatedMinutes",
      "agendaItems.status",
      "agendaItems.declineReason",
      "agendaItems.version",
      "agendaItems.proposedBy",
      "users.name as proposerName",
      "organisations.name as proposingOrganisationName",
      "originMeeting.startsAt as carriedOverFromDate",
      eb
        .selectFrom("agendaSupports")
        .whereRef("agendaSupports.agendaItemId", "=", "agendaItems.id")
        .select(sql<number>`count(*)::int`.as("n"))
        .as("supportCount"),
      eb
        .exists(
          eb
            .selectFrom("agendaSupports")
            .whereRef("agendaSupports.agendaItemId", "=", "agendaItems.id")
            .where("agendaSupports.userId", "=", userId)
            .select("agendaSupports.userId"),
        )
        .as("supportedByMe"),
    ])
    .orderBy("agendaItems.position")
    .execute() as Promise<AgendaItemView[]>;
}

export type AgendaResult =
  | { ok: true; itemId?: string }
  | { ok: false; message: string; field?: string; current?: AgendaItemView };

const closedMessage = "L'ordre du jour de cette table ronde est arrêté : il n'accepte plus de proposition.";

async function nextPosition(db: Executor, meetingId: string): Promise<number> {
  const row = await db
    .selectFrom("agendaItems")
    .where("meetingId", "=", meetingId)
    .select(sql<number>`coalesce(max(position), 0)::int + 1`.as("next"))
    .executeTakeFirstOrThrow();
  return row.next;
}

export interface ItemContent {
  title: string;
  description: string | null;
  kind: AgendaItemKind;
  estimatedMinutes: number;
}

export async function proposeItem(
  db: Executor,
  input: { actor: Actor; meeting: MeetingRecord; item: ItemContent; proposingOrganisationId?: string },
): Promise<AgendaResult> {
  const { actor, meeting } = input;
  authorize(actor, { action: "agenda.propose", networkId: meeting.networkId });
  if (!agendaOpenForProposals(meeting.status)) return { ok: false, message: closedMessage };
  const own = actor.memberships.filter((membership) => membership.networkId === meeting.networkId);
  const organisation = input.proposingOrganisationId
    ? own.find((membership) => membership.organisationId === input.proposingOrganisationId)
    : own[0];
  if (!organisation) return { ok: false, field: "proposingOrganisationId", message: "Choisissez l'un de vos CCAS." };
  return inTransaction(db, async (tx) => {
    // Serialises positions within the meeting: two proposals at once get two places, not one.
    await tx.selectFrom("meetings").select("id").where("id", "=", meeting.id).forUpdate().execute();
    const created = await tx
      .insertInto("agendaItems")
      .values({
        meetingId: meeting.id,
        position: await nextPosition(tx, meeting.id),
        ...input.item,
        proposingOrganisationId: organisation.organisationId,
        proposedBy: actor.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { ok: true, itemId: created.id };
  });
}

async function findItem(db: Executor, meetingId: string, itemId: string) {
  return db
    .selectFrom("agendaItems")
    .selectAll()
    .where("meetingId", "=", meetingId)
    .where("id", "=", itemId)
    .executeTakeFirst();
}

const missingItem: AgendaResult = { ok: false, message: "Ce point n'existe plus à l'ordre du jour." };

/** Supports or withdraws the actor's support (one per person). */
export async function toggleSupport(db: Executor, input: { actor: Actor; meeting: MeetingRecord; itemId: string }): Promise<AgendaResult> {
  const { actor, meeting } = input;
  authorize(actor, { action: "agenda.support", networkId: meeting.networkId });
  if (!agendaOpenForProposals(meeting.status)) return { ok: false, message: closedMessage };
  const item = await findItem(db, meeting.id, input.itemId);
  if (!item || item.status === "declined" || item.status === "deferred") return missingItem;
  const organisationId = actor.memberships.find((membership) => membership.networkId === meeting.networkId)!.organisationId;
  const removed = await db
    .deleteFrom("agendaSupports")
    .where("agendaItemId", "=", item.id)
    .where("userId", "=", actor.userId)
    .executeTakeFirst();
  if (removed.numDeletedRows === 0n) {
    await db
      .insertInto("agendaSupports")
      .values({ agendaItemId: item.id, userId: actor.userId, organisationId })
      .onConflict((conflict) => conflict.columns(["agendaItemId", "userId"]).doNothing())
      .execute();
  }
  return { ok: true, itemId: item.id };
}

function staleItem(current: AgendaItemView | undefined): AgendaResult {
  if (!current) return missingItem;
  return {
    ok: false,
    message:
      "Quelqu'un a modifié ce point pendant que vous le modifiiez : voici sa version à jour. Vos changements n'ont pas été enregistrés ; reprenez-les si besoin.",
    current,
  };
}

async function itemView(db: Executor, meetingId: string, itemId: string, userId: string) {
  return (await listAgenda(db, meetingId, userId)).find((item) => item.id === itemId);
}

/** Title, description, kind and duration, by its proposer or the meeting's managers, unless someone saved in between. */
export async function editItem(
  db: Executor,
  input: { actor: Actor; meeting: MeetingRecord; itemId: string; version: number; item: ItemContent },
): Promise<AgendaResult> {
  const { actor, meeting } = input;
  const item = await findItem(db, meeting.id, input.itemId);
  if (!item) return missingItem;
  const facts = { networkId: meeting.networkId, hostOrganisationId: meeting.hostOrganisationId };
  authorize(actor, { action: "agenda.editItem", ...facts, proposedByUserId: item.proposedBy });
  const manager = can(actor, { action: "meeting.manage", ...facts });
  if (!(manager ? agendaManageable(meeting.status) : agendaOpenForProposals(meeting.status))) return { ok: false, message: closedMessage };
  const updated = await db
    .updateTable("agendaItems")
    .set((eb) => ({ ...input.item, version: eb("version", "+", 1), updatedAt: new Date() }))
    .where("id", "=", item.id)
    .where("version", "=", input.version)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return staleItem(await itemView(db, meeting.id, item.id, actor.userId));
  return { ok: true, itemId: item.id };
}

export type ItemDecision = { status: "accepted" } | { status: "declined"; reason: string } | { status: "deferred" };

/**
 * Accepts, declines (with a reason) or defers an item to the next meeting.
 * The version makes a decision taken on a stale page fail instead of
 * overturning what someone else decided meanwhile.
 */
export async function decideItem(
  db: Executor,
  input: { actor: Actor; meeting: MeetingRecord; itemId: string; version: number; decision: ItemDecision },
): Promise<AgendaResult> {
  const { actor, meeting, decision } = input;
  authorize(actor, { action: "meeting.manage", networkId: meeting.networkId, hostOrganisationId: meeting.hostOrganisationId });
  if (!agendaManageable(meeting.status)) return { ok: false, message: "Cette table ronde a eu lieu : son ordre du jour ne change plus." };
  return inTransaction(db, async (tx) => {
    const updated = await tx
      .updateTable("agendaItems")
      .set((eb) => ({
        status: decision.status,
        declineReason: decision.status === "declined" ? decision.reason : null,
        version: eb("version", "+", 1),
        updatedAt: new Date(),
      }))
      .where("id", "=", input.itemId)
      .where("meetingId", "=", meeting.id)
      .where("version", "=", input.version)
      // A deferred item already has its copy on the next meeting, a declined one has been answered: both are settled.
      .where("status", "in", decision.status === "accepted" ? ["proposed"] : ["proposed", "accepted"])
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      const current = await itemView(tx, meeting.id, input.itemId, actor.userId);
      if (current && current.version === input.version) {
        return { ok: false, message: `Ce point est déjà « ${itemStatusLabels[current.status]} » : cette décision n'est plus possible.` };
      }
      return staleItem(current);
    }
    if (decision.status === "deferred") await carryOverDeferredItems(tx, meeting.networkId);
    const decided = await tx.selectFrom("agendaItems").select("title").where("id", "=", input.itemId).executeTakeFirstOrThrow();
    await recordAudit(tx, {
      action: "agenda_item_decided",
      actorUserId: actor.userId,
      networkId: meeting.networkId,
      organisationId: meeting.hostOrganisationId,
      detail: {
        summary: `« ${decided.title} » : ${itemStatusLabels[decision.status].toLowerCase()}${decision.status === "declined" ? ` (${decision.reason})` : ""}`,
      },
    });
    return { ok: true, itemId: input.itemId };
  });
}

/**
 * Copies every deferred item that has no copy yet onto the first meeting
 * after its own that still takes proposals, marked as carried over. Run
 * when an item is deferred and when a meeting is created, so an item
 * deferred before its next meeting exists follows it there. The unique
 * index on carried_over_from_id makes a second copy impossible.
 */
export async function carryOverDeferredItems(db: Executor, networkId: string): Promise<void> {
  const pending = await db
    .selectFrom("agendaItems")
    .innerJoin("meetings", "meetings.id", "agendaItems.meetingId")
    .where("meetings.networkId", "=", networkId)
    .where("agendaItems.status", "=", "deferred")
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom("agendaItems as copy").whereRef("copy.carriedOverFromId", "=", "agendaItems.id").select("copy.id"))),
    )
    .select([
      "agendaItems.id",
      "agendaItems.title",
      "agendaItems.description",
      "agendaItems.kind",
      "agendaItems.estimatedMinutes",
      "agendaItems.proposingOrganisationId",
      "agendaItems.proposedBy",
      "meetings.startsAt",
    ])
    .orderBy("agendaItems.position")
    .execute();
  for (const item of pending) {
    const target = await db
      .selectFrom("meetings")
      .select("id")
      .where("networkId", "=", networkId)
      .where("startsAt", ">", item.startsAt)
      .where("status", "in", ["planned", "agenda_open"])
      .orderBy("startsAt")
      .limit(1)
      .executeTakeFirst();
    if (!target) continue;
    await db
      .insertInto("agendaItems")
      .values({
        meetingId: target.id,
        position: await nextPosition(db, target.id),
        title: item.title,
        description: item.description,
        kind: item.kind,
        estimatedMinutes: item.estimatedMinutes,
        proposingOrganisationId: item.proposingOrganisationId,
        proposedBy: item.proposedBy,
        carriedOverFromId: item.id,
      })
      .onConflict((conflict) => conflict.column("carriedOverFromId").where("carriedOverFromId", "is not", null).doNothing())
      .execute();
  }
}

/**
 * Moves an item one place up or down among the items still on the agenda
 * (proposed or accepted), swapping it with its neighbour.
 */
export type ItemMove = { direction: "up" | "down" } | { toIndex: number };

/** Moves an item among those still on the agenda (proposed or accepted), renumbering them in one transaction. */
export async function moveItem(
  db: Executor,
  input: { actor: Actor; meeting: MeetingRecord; itemId: string } & ItemMove,
): Promise<AgendaResult> {
  const { actor, meeting } = input;
  authorize(actor, { action: "meeting.manage", networkId: meeting.networkId, hostOrganisationId: meeting.hostOrganisationId });
  if (!agendaManageable(meeting.status)) return { ok: false, message: "Cette table ronde a eu lieu : son ordre du jour ne change plus." };
  return inTransaction(db, async (tx) => {
    await tx.selectFrom("meetings").select("id").where("id", "=", meeting.id).forUpdate().execute();
    const items = await tx
      .selectFrom("agendaItems")
      .select(["id", "position"])
      .where("meetingId", "=", meeting.id)
      .where("status", "in", ["proposed", "accepted"])
      .orderBy("position")
      .execute();
    const index = items.findIndex((item) => item.id === input.itemId);
    if (index === -1) return missingItem;
    const target = "toIndex" in input ? input.toIndex : input.direction === "up" ? index - 1 : index + 1;
    const order = moveInList(
      items.map((item) => item.id),
      index,
      target,
    );
    // The moved items share out the positions they already held, so items no longer on the agenda keep theirs.
    for (const [rank, id] of order.entries()) {
      const position = items[rank]!.position;
      if (items.find((item) => item.id === id)!.position !== position) {
        await tx.updateTable("agendaItems").set({ position }).where("id", "=", id).execute();
      }
    }
    return { ok: true, itemId: input.itemId };
  });
}
