import { DateTime } from "luxon";
import type { Executor } from "../client.ts";
import type { AgendaItemKind, AgendaItemStatus } from "../schema.ts";
import { welcomeItemTitle } from "../../app/features/roundtables/agenda.ts";

/**
 * Demo round tables for Val Parisis: the last one, hosted by Ermont, and the
 * coming one, hosted by Franconville, whose agenda is being built. Dates are
 * relative to the day the demo is created, so that one is always past and
 * the other always to come.
 */
export async function seedDemoRoundTables(
  db: Executor,
  input: { networkId: string; organisation: (inseeCode: string) => string; user: (email: string) => string },
  now = new Date(),
): Promise<void> {
  const paris = DateTime.fromJSDate(now, { zone: "Europe/Paris" }).set({ hour: 9, minute: 30, second: 0, millisecond: 0 });
  const ermont = input.organisation("95219");
  const franconville = input.organisation("95252");
  const taverny = input.organisation("95607");
  await createMeeting(db, {
    networkId: input.networkId,
    hostOrganisationId: ermont,
    startsAt: weekday(paris.minus({ months: 2 })),
    place: "Salle du conseil, hôtel de ville d'Ermont, 100 rue Louis-Savoie, 95120 Ermont",
    accessDetails: "Gare d'Ermont-Eaubonne à 10 minutes à pied ; salle de plain-pied, stationnement PMR devant l'entrée.",
    hostTheme: "Isolement des personnes âgées : l'été et le plan canicule",
    status: "minutes_published",
    welcome: "Ermont",
    items: [
      { title: "Soins sans consentement (SDRE) : le rôle du maire", kind: "decision", minutes: 40, organisation: ermont, status: "accepted" },
      { title: "Transport solidaire des seniors : retours d'expérience", kind: "exchange", minutes: 45, organisation: taverny, status: "accepted" },
    ],
  });
  const coming = await createMeeting(db, {
    networkId: input.networkId,
    hostOrganisationId: franconville,
    startsAt: weekday(paris.plus({ months: 1 })),
    place: "CCAS de Franconville, 11 rue de la Station, 95130 Franconville",
    accessDetails: "Gare de Franconville – Le Plessis-Bouchard (ligne H, RER C) à 5 minutes à pied.",
    hostTheme: "Analyse des besoins sociaux 2027 : la préparer ensemble",
    status: "agenda_open",
    welcome: "Franconville",
    items: [
      {
        title: "ABS 2027 : lancer un groupement de commandes",
        description: "Chaque CCAS doit présenter son ABS en 2027 : négocier ensemble le prix de l'étude, chacun restant libre d'acheter.",
        kind: "decision",
        minutes: 45,
        organisation: taverny,
        proposedBy: input.user("direction@ccas-taverny.demo.tablee.fr"),
        status: "proposed",
      },
      {
        title: "Domiciliation des personnes sans domicile stable : harmoniser nos pratiques",
        kind: "exchange",
        minutes: 30,
        organisation: ermont,
        proposedBy: input.user("agent@ccas-ermont.demo.tablee.fr"),
        status: "proposed",
      },
    ],
  });
  const abs = await db.selectFrom("agendaItems").select("id").where("meetingId", "=", coming).where("position", "=", 2).executeTakeFirstOrThrow();
  for (const email of ["direction@ccas-ermont.demo.tablee.fr", "elu@ccas-franconville.demo.tablee.fr"]) {
    await db
      .insertInto("agendaSupports")
      .values({ agendaItemId: abs.id, userId: input.user(email), organisationId: email.includes("ermont") ? ermont : franconville })
      .execute();
  }
}

function weekday(date: DateTime): Date {
  const shift = date.weekday === 6 ? 2 : date.weekday === 7 ? 1 : 0;
  return date.plus({ days: shift }).toJSDate();
}

interface DemoItem {
  title: string;
  description?: string;
  kind: AgendaItemKind;
  minutes: number;
  organisation: string;
  proposedBy?: string;
  status: AgendaItemStatus;
}

async function createMeeting(
  db: Executor,
  input: {
    networkId: string;
    hostOrganisationId: string;
    startsAt: Date;
    place: string;
    accessDetails: string;
    hostTheme: string;
    status: "minutes_published" | "agenda_open";
    welcome: string;
    items: DemoItem[];
  },
): Promise<string> {
  const meeting = await db
    .insertInto("meetings")
    .values({
      networkId: input.networkId,
      hostOrganisationId: input.hostOrganisationId,
      startsAt: input.startsAt,
      durationMinutes: 180,
      place: input.place,
      accessDetails: input.accessDetails,
      hostTheme: input.hostTheme,
      status: input.status,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const items = [
    { title: welcomeItemTitle(input.welcome), kind: "information" as const, minutes: 15, organisation: input.hostOrganisationId, status: "accepted" as const },
    ...input.items,
  ];
  await db
    .insertInto("agendaItems")
    .values(
      items.map((item, index) => ({
        meetingId: meeting.id,
        position: index + 1,
        title: item.title,
        description: "description" in item ? (item.description ?? null) : null,
        kind: item.kind,
        estimatedMinutes: item.minutes,
        proposingOrganisationId: item.organisation,
        proposedBy: "proposedBy" in item ? (item.proposedBy ?? null) : null,
        status: item.status,
      })),
    )
    .execute();
  return meeting.id;
}
