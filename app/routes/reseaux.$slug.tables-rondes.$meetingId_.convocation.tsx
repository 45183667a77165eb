import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { notFound } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { formatMinutes, itemKindLabels } from "../features/roundtables/agenda.ts";
import { listAgenda } from "../features/roundtables/agenda.server.ts";
import { findMeetingInNetwork } from "../features/roundtables/meetings.server.ts";
import { uuidParam } from "../http/params.server.ts";
import { formatDate, formatDateTime } from "../i18n/format.ts";

/** The paper convocation: the agenda as it will be held, styled for an A4 page (see @media print in styles.css). */

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Convocation"} — Tablée` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const meeting = await findMeetingInNetwork(context.db, network.id, uuidParam(params.meetingId));
  if (!meeting) throw notFound();
  const items = (await listAgenda(context.db, meeting.id, actor.userId)).filter((item) => item.status === "accepted");
  return {
    slug: network.slug,
    networkName: network.name,
    meetingId: meeting.id,
    title: `Convocation à la table ronde du ${formatDate(meeting.startsAt)}`,
    startsAt: formatDateTime(meeting.startsAt),
    durationMinutes: meeting.durationMinutes,
    hostName: meeting.hostName,
    place: meeting.place,
    accessDetails: meeting.accessDetails,
    hostTheme: meeting.hostTheme,
    items: items.map((item) => ({
      id: item.id,
      title: item.title,
      kind: item.kind,
      minutes: item.estimatedMinutes,
      by: item.proposingOrganisationName,
      carriedOver: item.carriedOverFromDate !== null,
    })),
  };
}

export default function Convocation() {
  const data = useLoaderData<typeof loader>();
  return (
    <article className="convocation">
      <p className="no-print">
        <Link to={`/reseaux/${data.slug}/tables-rondes/${data.meetingId}`}>Retour à la table ronde</Link> · Utilisez la commande
        « Imprimer » de votre navigateur pour la version papier.
      </p>
      <p className="convocation__network">{data.networkName}</p>
      <h1>{data.title}</h1>
      <dl className="details">
        <dt>Date</dt>
        <dd>{data.startsAt}</dd>
        <dt>Durée prévue</dt>
        <dd>{formatMinutes(data.durationMinutes)}</dd>
        <dt>Accueil</dt>
        <dd>{data.hostName}</dd>
        <dt>Lieu</dt>
        <dd>{data.place ?? "à préciser"}</dd>
        {data.accessDetails ? (
          <>
            <dt>Accès</dt>
            <dd>{data.accessDetails}</dd>
          </>
        ) : null}
        {data.hostTheme ? (
          <>
            <dt>Thème de la commune d'accueil</dt>
            <dd>{data.hostTheme}</dd>
          </>
        ) : null}
      </dl>
      <h2>Ordre du jour</h2>
      {data.items.length === 0 ? (
        <p>L'ordre du jour n'est pas encore arrêté.</p>
      ) : (
        <ol className="convocation__agenda">
          {data.items.map((item) => (
            <li key={item.id}>
              <strong>{item.title}</strong> — {itemKindLabels[item.kind].toLowerCase()}, {formatMinutes(item.minutes)}
              {item.by ? ` (${item.by})` : ""}
              {item.carriedOver ? " — reporté de la table ronde précédente" : ""}
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}
