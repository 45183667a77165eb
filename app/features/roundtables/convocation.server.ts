import type { Executor } from "../../../db/client.ts";
import { authorize } from "../auth/guards.server.ts";
import type { Actor } from "../auth/permissions.ts";
import { deliveryStatus, enqueueMail, retryFailedMail, withdrawUnsentMail } from "../mail/outbox.server.ts";
import { formatDateTime } from "../../i18n/format.ts";
import { formatMinutes } from "./agenda.ts";
import { listAgenda } from "./agenda.server.ts";
import { meetingCalendar } from "./calendar.server.ts";
import { localDate } from "./rotation.ts";
import type { MeetingRecord } from "./meetings.server.ts";

/**
 * The convocation sent when the agenda is closed: to every active member of
 * the network, with the agenda, the place, the time and the meeting as an
 * .ics file. Queued in the caller's transaction (the status change): the
 * outbox's worker sends it afterwards and retries what fails. Convocations of
 * an earlier closing not yet sent are replaced: they carry the old agenda.
 * Returns the number of members convened.
 */
export async function queueConvocation(
  db: Executor,
  input: { meeting: MeetingRecord; network: { name: string; slug: string; timeZone: string }; baseUrl: string; userId: string },
): Promise<number> {
  const { meeting, network } = input;
  const recipients = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.userId", "users.id")
    .innerJoin("organisations", "organisations.id", "memberships.organisationId")
    .where("organisations.networkId", "=", meeting.networkId)
    .where("memberships.deactivatedAt", "is", null)
    .where("users.deactivatedAt", "is", null)
    .select("users.email")
    .distinct()
    .orderBy("users.email")
    .execute();
  const agenda = (await listAgenda(db, meeting.id, input.userId)).filter((item) => item.status === "accepted");
  const url = `${input.baseUrl}/reseaux/${network.slug}/tables-rondes/${meeting.id}`;
  const text = [
    "Bonjour,",
    "",
    `Vous êtes convié·e à la table ronde inter-CCAS du ${formatDateTime(meeting.startsAt)}, accueillie par le ${meeting.hostName}.`,
    "",
    `Lieu : ${meeting.place ?? "à préciser"}`,
    ...(meeting.accessDetails ? [`Accès : ${meeting.accessDetails}`] : []),
    ...(meeting.hostTheme ? [`Thème de la commune d'accueil : ${meeting.hostTheme}`] : []),
    `Durée prévue : ${formatMinutes(meeting.durationMinutes)}`,
    "",
    "Ordre du jour :",
    ...agenda.map((item, index) => `${index + 1}. ${item.title} (${formatMinutes(item.estimatedMinutes)})`),
    "",
    `L'ordre du jour, le compte rendu et les inscriptions : ${url}`,
    "Le fichier joint ajoute la table ronde à votre agenda.",
    "",
    `— ${network.name}, via Tablée`,
  ].join("\n");
  const ics = meetingCalendar({ networkName: network.name, meeting, agenda: agenda.map((item) => item.title), url });
  const attachment = { filename: `table-ronde-${localDate(meeting.startsAt, network.timeZone)}.ics`, content: ics, contentType: "text/calendar; charset=utf-8; method=PUBLISH" };
  const subject = `Convocation : table ronde du ${formatDateTime(meeting.startsAt)} (${meeting.hostCommune})`;
  await withdrawUnsentMail(db, "convocation", meeting.id);
  return enqueueMail(
    db,
    recipients.map(({ email }) => ({ kind: "convocation", referenceId: meeting.id, to: email, subject, text, attachments: [attachment] })),
  );
}

/** How the meeting's latest convocation is being delivered: for its managers only (it names the addresses that failed). */
export async function convocationDelivery(db: Executor, actor: Actor, meeting: MeetingRecord) {
  authorize(actor, { action: "meeting.manage", networkId: meeting.networkId, hostOrganisationId: meeting.hostOrganisationId });
  return deliveryStatus(db, "convocation", meeting.id);
}

/** Sends again the convocations the mail server did not take after every attempt. */
export async function retryConvocation(db: Executor, actor: Actor, meeting: MeetingRecord): Promise<number> {
  authorize(actor, { action: "meeting.manage", networkId: meeting.networkId, hostOrganisationId: meeting.hostOrganisationId });
  return retryFailedMail(db, "convocation", meeting.id);
}
