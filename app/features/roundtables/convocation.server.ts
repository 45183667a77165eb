import type { Executor } from "../../../db/client.ts";
import { trySend, type Mailer } from "../mail/mailer.server.ts";
import { formatDateTime } from "../../i18n/format.ts";
import { formatMinutes } from "./agenda.ts";
import { listAgenda } from "./agenda.server.ts";
import { meetingCalendar } from "./calendar.server.ts";
import { localDate } from "./rotation.ts";
import type { MeetingRecord } from "./meetings.server.ts";

/**
 * The convocation sent when the agenda is closed: to every active member of
 * the network, with the agenda, the place, the time and the meeting as an
 * .ics file. A failed message is counted, not thrown: the status change stands.
 */
export async function sendConvocation(
  db: Executor,
  mailer: Mailer,
  input: { meeting: MeetingRecord; network: { name: string; slug: string; timeZone: string }; baseUrl: string; userId: string },
): Promise<{ sent: number; failed: number }> {
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
  let sent = 0;
  for (const { email } of recipients) {
    const ok = await trySend(mailer, {
      to: email,
      subject: `Convocation : table ronde du ${formatDateTime(meeting.startsAt)} (${meeting.hostCommune})`,
      text,
      attachments: [attachment],
    });
    if (ok) sent += 1;
  }
  return { sent, failed: recipients.length - sent };
}
