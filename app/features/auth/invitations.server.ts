import type { Executor } from "../../../db/client.ts";
import type { Role } from "../../../db/schema.ts";
import { trySend, type Mailer } from "../mail/mailer.server.ts";
import { recordAudit } from "./audit.server.ts";
import { authorize } from "./guards.server.ts";
import type { Actor } from "./permissions.ts";
import { formatRetryAfter, hitRateLimits, rateRules } from "./rate-limit.server.ts";
import { roleLabels } from "./roles.ts";
import { createSession } from "./sessions.server.ts";
import { hashToken, newToken } from "./tokens.server.ts";
import { createUser, findUserByEmail, normaliseEmail } from "./users.server.ts";
import { inTransaction } from "../../../db/client.ts";

export const INVITATION_DAYS = 7;

export type InvitationResult =
  | { ok: true; invitationId: string; link: string; mailSent: boolean }
  | { ok: false; field?: "email" | "organisationId" | "role"; message: string };

export async function createInvitation(
  db: Executor,
  mailer: Mailer,
  input: {
    actor: Actor;
    networkId: string;
    organisationId: string;
    email: string;
    role: Role;
    ip: string | null;
    baseUrl: string;
  },
  now = new Date(),
): Promise<InvitationResult> {
  const organisation = await db
    .selectFrom("organisations")
    .innerJoin("networks", "networks.id", "organisations.networkId")
    .where("organisations.id", "=", input.organisationId)
    .where("organisations.networkId", "=", input.networkId)
    .select(["organisations.id", "organisations.name", "networks.name as networkName"])
    .executeTakeFirst();
  if (!organisation) return { ok: false, field: "organisationId", message: "Ce CCAS ne fait pas partie du réseau." };
  authorize(input.actor, {
    action: "invitation.create",
    networkId: input.networkId,
    organisationId: organisation.id,
    role: input.role,
  });
  const limit = await hitRateLimits(db, [
    [rateRules.invitePerIp, input.ip ?? "unknown"],
    [rateRules.invitePerAccount, input.actor.userId],
  ]);
  if (!limit.allowed) {
    return { ok: false, message: `Trop d'invitations envoyées. Réessayez dans ${formatRetryAfter(limit.retryAfterSeconds)}.` };
  }
  const email = normaliseEmail(input.email);
  const alreadyMember = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.userId")
    .where("users.email", "=", email)
    .where("memberships.organisationId", "=", organisation.id)
    .where("memberships.deactivatedAt", "is", null)
    .select("memberships.id")
    .executeTakeFirst();
  if (alreadyMember) {
    return { ok: false, field: "email", message: "Cette personne est déjà membre de ce CCAS." };
  }
  const inviter = await db.selectFrom("users").where("id", "=", input.actor.userId).select("name").executeTakeFirstOrThrow();
  const token = newToken();
  const link = `${input.baseUrl}/invitation/${token}`;
  const invitation = await inTransaction(db, async (tx) => {
    const row = await tx
      .insertInto("invitations")
      .values({
        tokenHash: hashToken(token),
        organisationId: organisation.id,
        role: input.role,
        email,
        invitedBy: input.actor.userId,
        expiresAt: new Date(now.getTime() + INVITATION_DAYS * 24 * 3600 * 1000),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      action: "invitation_created",
      actorUserId: input.actor.userId,
      organisationId: organisation.id,
      networkId: input.networkId,
      ip: input.ip,
      detail: { email, role: input.role },
    });
    return row;
  });
  const mailSent = await trySend(mailer, {
    to: email,
    subject: `Tablée — invitation à rejoindre ${organisation.networkName}`,
    text: [
      "Bonjour,",
      "",
      `${inviter.name} vous invite à rejoindre « ${organisation.networkName} » sur Tablée,`,
      `pour le ${organisation.name}, en tant que ${roleLabels[input.role].toLowerCase()}.`,
      "",
      `Pour accepter, ouvrez ce lien dans les ${INVITATION_DAYS} jours :`,
      link,
    ].join("\n"),
  });
  return { ok: true, invitationId: invitation.id, link, mailSent };
}

export type InvitationView =
  | { state: "invalid" }
  | { state: "expired"; networkName: string }
  | { state: "used"; networkName: string }
  | {
      state: "open";
      email: string;
      role: Role;
      organisationName: string;
      networkName: string;
      networkSlug: string;
      hasAccount: boolean;
      expiresAt: Date;
    };

export async function viewInvitation(db: Executor, token: string, now = new Date()): Promise<InvitationView> {
  const invitation = await db
    .selectFrom("invitations")
    .innerJoin("organisations", "organisations.id", "invitations.organisationId")
    .innerJoin("networks", "networks.id", "organisations.networkId")
    .where("invitations.tokenHash", "=", hashToken(token))
    .select([
      "invitations.email",
      "invitations.role",
      "invitations.expiresAt",
      "invitations.acceptedAt",
      "invitations.revokedAt",
      "organisations.name as organisationName",
      "networks.name as networkName",
      "networks.slug as networkSlug",
    ])
    .executeTakeFirst();
  if (!invitation) return { state: "invalid" };
  if (invitation.acceptedAt || invitation.revokedAt) return { state: "used" as const, networkName: invitation.networkName };
  if (invitation.expiresAt <= now) return { state: "expired" as const, networkName: invitation.networkName };
  const user = await findUserByEmail(db, invitation.email);
  return {
    state: "open",
    email: invitation.email,
    role: invitation.role,
    organisationName: invitation.organisationName,
    networkName: invitation.networkName,
    networkSlug: invitation.networkSlug,
    hasAccount: Boolean(user),
    expiresAt: invitation.expiresAt,
  };
}

export type AcceptResult =
  | { ok: true; userId: string; networkSlug: string; sessionToken?: string }
  | { ok: false; message: string };

/**
 * Accepts an open invitation: a newcomer creates their account (and is signed in);
 * someone who already has one must be signed in as that address. All or nothing.
 */
export async function acceptInvitation(
  db: Executor,
  input: {
    token: string;
    signedInUserId: string | null;
    newAccount?: { name: string; jobTitle: string | null; password: string };
    ip: string | null;
    userAgent: string | null;
  },
  now = new Date(),
): Promise<AcceptResult> {
  return inTransaction(db, async (tx) => {
    // Checked before the invitation is spent: a refusal returns (and commits) without using it up.
    const pending = await tx
      .selectFrom("invitations")
      .where("tokenHash", "=", hashToken(input.token))
      .where("acceptedAt", "is", null)
      .where("revokedAt", "is", null)
      .where("expiresAt", ">", now)
      .select("email")
      .executeTakeFirst();
    if (!pending) return { ok: false as const, message: "Cette invitation n'est plus valable." };
    const existing = await findUserByEmail(tx, pending.email);
    if (existing) {
      if (existing.deactivatedAt) return { ok: false as const, message: "Ce compte est désactivé." };
      if (input.signedInUserId !== existing.id) {
        return { ok: false as const, message: `Connectez-vous avec l'adresse ${pending.email} pour accepter.` };
      }
    } else if (!input.newAccount) {
      return { ok: false as const, message: "Choisissez votre nom et votre mot de passe." };
    }
    const invitation = await tx
      .updateTable("invitations")
      .set({ acceptedAt: now })
      .where("tokenHash", "=", hashToken(input.token))
      .where("acceptedAt", "is", null)
      .where("revokedAt", "is", null)
      .where("expiresAt", ">", now)
      .returning(["id", "email", "role", "organisationId"])
      .executeTakeFirst();
    if (!invitation) return { ok: false as const, message: "Cette invitation n'est plus valable." };
    let userId: string;
    let sessionToken: string | undefined;
    if (existing) {
      userId = existing.id;
    } else {
      if (!input.newAccount) return { ok: false as const, message: "Choisissez votre nom et votre mot de passe." };
      const user = await createUser(tx, { email: invitation.email, ...input.newAccount });
      userId = user.id;
      sessionToken = (await createSession(tx, { userId, ip: input.ip, userAgent: input.userAgent }, now)).token;
    }
    await tx
      .insertInto("memberships")
      .values({ userId, organisationId: invitation.organisationId, role: invitation.role })
      .onConflict((oc) =>
        oc.columns(["userId", "organisationId"]).doUpdateSet({ role: invitation.role, deactivatedAt: null }),
      )
      .execute();
    await tx.updateTable("invitations").set({ acceptedUserId: userId }).where("id", "=", invitation.id).execute();
    const network = await tx
      .selectFrom("organisations")
      .innerJoin("networks", "networks.id", "organisations.networkId")
      .where("organisations.id", "=", invitation.organisationId)
      .select(["networks.id", "networks.slug"])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      action: "invitation_accepted",
      actorUserId: userId,
      subjectUserId: userId,
      organisationId: invitation.organisationId,
      networkId: network.id,
      ip: input.ip,
      detail: { role: invitation.role },
    });
    return { ok: true as const, userId, networkSlug: network.slug, sessionToken };
  });
}

export async function listPendingInvitations(db: Executor, networkId: string, now = new Date()) {
  return db
    .selectFrom("invitations")
    .innerJoin("organisations", "organisations.id", "invitations.organisationId")
    .where("organisations.networkId", "=", networkId)
    .where("invitations.acceptedAt", "is", null)
    .where("invitations.revokedAt", "is", null)
    .where("invitations.expiresAt", ">", now)
    .select([
      "invitations.id",
      "invitations.email",
      "invitations.role",
      "invitations.expiresAt",
      "invitations.organisationId",
      "organisations.name as organisationName",
    ])
    .orderBy("invitations.createdAt", "desc")
    .execute();
}
