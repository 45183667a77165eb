import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useServerForm } from "../components/server-form.ts";
import { FormErrors, SelectField, SubmitButton, TextAreaField, type FormFields } from "../components/forms.tsx";
import { can } from "../features/auth/permissions.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { meetingStatusLabels } from "../features/roundtables/agenda.ts";
import {
  createMeetingFromPlan,
  listMeetings,
  organisationOptions,
  rotationPlanForNetwork,
  type MeetingRecord,
} from "../features/roundtables/meetings.server.ts";
import { createMeetingSchema } from "../features/roundtables/schemas.ts";
import { readForm } from "../http/forms.server.ts";
import { formatDate, formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Tables rondes — Tablée" }];

function meetingSummary(meeting: MeetingRecord) {
  return {
    id: meeting.id,
    startsAt: formatDateTime(meeting.startsAt),
    hostName: meeting.hostName,
    hostTheme: meeting.hostTheme,
    status: meetingStatusLabels[meeting.status],
    override: meeting.overrideReason ? { proposedHostName: meeting.proposedHostName, reason: meeting.overrideReason } : null,
  };
}

/** "du 1er mars 2027 au 31 mars 2027": local dates stored as "2027-03-01". */
function formatPeriod(period: { from: string; to: string }): string {
  const day = (value: string) => formatDate(new Date(`${value}T12:00:00Z`));
  return `du ${day(period.from)} au ${day(period.to)}`;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const { coming, past } = await listMeetings(context.db, network.id);
  const plan = await rotationPlanForNetwork(context.db, network);
  const canPlan = can(actor, { action: "roundtable.plan", networkId: network.id });
  const organisations = canPlan ? await organisationOptions(context.db, network.id) : [];
  return {
    slug: network.slug,
    cadenceMonths: network.cadenceMonths,
    canPlan,
    coming: coming.map(meetingSummary),
    past: past.map(meetingSummary),
    plan: plan.map((slot) => ({
      startsAt: slot.startsAt.toISOString(),
      label: formatDateTime(slot.startsAt),
      hostOrganisationId: slot.hostOrganisationId,
      hostName: slot.hostName,
      skipped: slot.skipped.map((skip) => `${skip.name} passe son tour : indisponible ${formatPeriod(skip.period)}.`),
    })),
    organisations,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const submission = parseWithZod(await readForm(request), { schema: createMeetingSchema });
  if (submission.status !== "success") return submission.reply();
  const outcome = await createMeetingFromPlan(context.db, {
    actor,
    network,
    startsAt: new Date(submission.value.startsAt),
    hostOrganisationId: submission.value.hostOrganisationId,
    overrideReason: submission.value.overrideReason,
  });
  if (!outcome.ok) {
    return outcome.field
      ? submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } })
      : submission.reply({ formErrors: [outcome.message] });
  }
  throw redirect(`/reseaux/${network.slug}/tables-rondes/${outcome.meetingId}`);
}

type Summary = ReturnType<typeof meetingSummary>;

function MeetingTable({ caption, meetings, slug }: { caption: string; meetings: Summary[]; slug: string }) {
  return (
    <div className="table-wrap">
      <table className="responsive-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Commune d'accueil</th>
            <th scope="col">Thème</th>
            <th scope="col">Statut</th>
          </tr>
        </thead>
        <tbody>
          {meetings.map((meeting) => (
            <tr key={meeting.id}>
              <th scope="row">
                <Link to={`/reseaux/${slug}/tables-rondes/${meeting.id}`}>{meeting.startsAt}</Link>
              </th>
              <td data-label="Commune d'accueil">
                {meeting.hostName}
                {meeting.override ? (
                  <span className="muted override-note">
                    {" "}
                    — à la place de {meeting.override.proposedHostName ?? "la rotation"} : {meeting.override.reason}
                  </span>
                ) : null}
              </td>
              <td data-label="Thème">{meeting.hostTheme ?? <span className="muted">à définir</span>}</td>
              <td data-label="Statut">{meeting.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function RoundTables() {
  const data = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const next = data.plan[0];
  // Checked by the server only: zod stays out of this page's JavaScript (docs/decisions/009-page-budgets.md).
  const [form, fields] = useServerForm<FormFields<typeof createMeetingSchema>>({
    id: "creer-table-ronde",
    lastResult,
    defaultValue: { startsAt: next?.startsAt, hostOrganisationId: next?.hostOrganisationId ?? "" },
  });
  const cadence = data.cadenceMonths === 3 ? "une table ronde par trimestre" : `une table ronde tous les ${data.cadenceMonths} mois`;
  return (
    <>
      <h1>Tables rondes</h1>
      <p>
        Chaque table ronde est accueillie à tour de rôle par un CCAS du réseau ({cadence}) : la commune d'accueil s'occupe de la logistique, son
        maire accueille les participants et elle ajoute un thème à l'ordre du jour construit en commun.
      </p>

      <h2>Prochaines tables rondes</h2>
      {data.coming.length === 0 ? (
        <p className="muted">Aucune table ronde n'est programmée.</p>
      ) : (
        <MeetingTable caption="Prochaines tables rondes" meetings={data.coming} slug={data.slug} />
      )}
      <p>
        <Link to="/profil/calendrier">Recevoir toutes les tables rondes dans mon agenda</Link>
      </p>

      <section className="card rotation-card" aria-labelledby="rotation">
        <h2 id="rotation">Rotation : le prochain cycle</h2>
        <p>
          Le CCAS qui a accueilli le moins récemment accueille le suivant ; un CCAS qui n'a jamais accueilli passe en premier. Chaque CCAS
          accueille une fois par cycle.
        </p>
        {data.plan.length === 0 ? (
          <p className="muted">Aucun CCAS ne peut accueillir : vérifiez les réglages de la rotation.</p>
        ) : (
          <ol className="plan">
            {data.plan.map((slot) => (
              <li key={slot.startsAt}>
                <strong>{slot.label}</strong> — {slot.hostName ?? "aucun CCAS disponible à cette date"}
                {slot.skipped.map((line) => (
                  <span key={line} className="muted plan__skipped">
                    {line}
                  </span>
                ))}
              </li>
            ))}
          </ol>
        )}
        {data.canPlan && next ? (
          <Form method="post" key={form.key} {...form.props} className="create-meeting">
            <h3>Créer la table ronde du {next.label}</h3>
            <FormErrors id={form.errorId} errors={form.errors} />
            <input type="hidden" name={fields.startsAt.name} value={next.startsAt} />
            <SelectField
              field={fields.hostOrganisationId}
              label="Commune d'accueil"
              placeholder="Choisissez un CCAS"
              options={data.organisations}
            />
            <TextAreaField
              field={fields.overrideReason}
              label="Raison du changement (si vous choisissez un autre CCAS que celui proposé)"
              hint={next.hostName ? `La rotation propose : ${next.hostName}.` : undefined}
              rows={2}
            />
            <SubmitButton>Créer cette table ronde</SubmitButton>
          </Form>
        ) : null}
        {data.canPlan ? (
          <p>
            <Link to="rotation">Régler la rotation (ordre, indisponibilités, CCAS qui n'accueillent pas)</Link>
          </p>
        ) : null}
      </section>

      <h2>Tables rondes passées</h2>
      {data.past.length === 0 ? (
        <p className="muted">Aucune table ronde passée n'est enregistrée.</p>
      ) : (
        <MeetingTable caption="Tables rondes passées" meetings={data.past} slug={data.slug} />
      )}
    </>
  );
}
