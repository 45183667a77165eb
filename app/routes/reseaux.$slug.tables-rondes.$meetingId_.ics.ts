import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { meetingCalendar } from "../features/roundtables/calendar.server.ts";
import { calendarAgendaTitles, findMeetingInNetwork } from "../features/roundtables/meetings.server.ts";
import { uuidParam } from "../http/params.server.ts";
import { localDate } from "../features/roundtables/rotation.ts";

/** One meeting as an .ics file to add to a calendar. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network } = await requireNetworkMember(context, request, params.slug);
  const meeting = await findMeetingInNetwork(context.db, network.id, uuidParam(params.meetingId));
  if (!meeting) throw notFound();
  const agenda = (await calendarAgendaTitles(context.db, [meeting.id])).get(meeting.id) ?? [];
  const body = meetingCalendar({
    networkName: network.name,
    meeting,
    agenda,
    url: `${context.baseUrl}/reseaux/${network.slug}/tables-rondes/${meeting.id}`,
  });
  return new Response(body, {
    headers: {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `attachment; filename="table-ronde-${localDate(meeting.startsAt, network.timeZone)}.ics"`,
      "cache-control": "private, no-store",
    },
  });
}
