import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams, useSubmit } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useServerForm } from "../components/server-form.ts";
import { useLastActionData } from "../components/use-last-action-data.ts";
import { FormErrors, SelectField, SubmitButton, TextAreaField, TextField, type FormFields } from "../components/forms.tsx";
import { useDragReorder } from "../components/use-drag-reorder.ts";
import { useLiveAgenda } from "../components/use-live-agenda.ts";
import { notFound } from "../features/auth/guards.server.ts";
import { can, type Actor } from "../features/auth/permissions.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { findOrganisationInNetwork } from "../features/network/organisations.server.ts";
import {
  agendaManageable,
  agendaOpenForProposals,
  agendaTiming,
  allowedStatusChanges,
  formatMinutes,
  itemKindLabels,
  itemStatusLabels,
  attendeeFunctionLabels,
  followUpStatusLabels,
  meetingStatusActions,
  meetingStatusLabels,
  registrationDeadline,
} from "../features/roundtables/agenda.ts";
import { linkableDocuments, linkedDocumentsOfMeeting, proposeItemLinkingDocuments } from "../features/knowledge/agenda-links.server.ts";
import { decideItem, editItem, listAgenda, moveItem, proposeItem, toggleSupport, type AgendaItemView } from "../features/roundtables/agenda.server.ts";
import {
  changeMeetingStatus,
  findMeetingInNetwork,
  organisationOptions,
  updateMeetingDetails,
  type MeetingRecord,
} from "../features/roundtables/meetings.server.ts";
import { addFollowUpAction, followUpForMeeting, setFollowUpStatus } from "../features/roundtables/follow-up.server.ts";
import { convocationDelivery, retryConvocation } from "../features/roundtables/convocation.server.ts";
import { listAttendance, recordPresence, registerAttendee, removeAttendee } from "../features/roundtables/attendance.server.ts";
import {
  agendaItemSchema,
  attendeeIdSchema,
  attendeeSchema,
  declineItemSchema,
  followUpSchema,
  followUpStatusSchema,
  presenceSchema,
  editAgendaItemSchema,
  itemDecisionSchema,
  meetingDetailsSchema,
  meetingStatusSchema,
  moveItemSchema,
} from "../features/roundtables/schemas.ts";
import { readForm } from "../http/forms.server.ts";
import { uuidParam } from "../http/params.server.ts";
import { formatDate, formatDateTime, TIME_ZONE } from "../i18n/format.ts";
import { DateTime } from "luxon";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Table ronde"} — Tablée` }];

async function loadMeeting(args: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(args.context, args.request, args.params.slug);
  const meeting = await findMeetingInNetwork(args.context.db, network.id, uuidParam(args.params.meetingId));
  if (!meeting) throw notFound();
  return { network, actor, meeting };
}

function itemForPage({ carriedOverFromDate, ...item }: AgendaItemView, userId: string, canManage: boolean) {
  return {
    ...item,
    carriedOverFrom: carriedOverFromDate ? formatDate(carriedOverFromDate) : null,
    canEdit: canManage || item.proposedBy === userId,
  };
}

export async function loader(args: LoaderFunctionArgs) {
  const { network, actor, meeting } = await loadMeeting(args);
  const facts = { networkId: network.id, hostOrganisationId: meeting.hostOrganisationId };
  const canManage = can(actor, { action: "meeting.manage", ...facts });
  const items = await listAgenda(args.context.db, meeting.id, actor.userId);
  const links = await linkedDocumentsOfMeeting(args.context.db, actor, meeting.id);
  const canPropose = agendaOpenForProposals(meeting.status) && can(actor, { action: "agenda.propose", networkId: network.id });
  const local = DateTime.fromJSDate(meeting.startsAt, { zone: network.timeZone });
  return {
    slug: network.slug,
    title: `Table ronde du ${formatDate(meeting.startsAt)} à ${meeting.hostCommune}`,
    meeting: {
      id: meeting.id,
      startsAt: formatDateTime(meeting.startsAt),
      date: local.toISODate()!,
      time: local.toFormat("HH:mm"),
      durationMinutes: meeting.durationMinutes,
      hostName: meeting.hostName,
      place: meeting.place,
      accessDetails: meeting.accessDetails,
      hostTheme: meeting.hostTheme,
      status: meeting.status,
      override: meeting.overrideReason ? { proposedHostName: meeting.proposedHostName, reason: meeting.overrideReason } : null,
      version: meeting.version,
      hasMinutes: meeting.minutesDocumentId !== null,
    },
    canManage,
    canPropose,
    linkable: canPropose ? await linkableDocuments(args.context.db, actor, network.id) : [],
    canArrange: canManage && agendaManageable(meeting.status),
    statusChanges: canManage ? allowedStatusChanges(meeting.status) : [],
    myOrganisations: (
      await Promise.all(
        actor.memberships
          .filter((membership) => membership.networkId === network.id)
          .map((membership) => findOrganisationInNetwork(args.context.db, network.id, membership.organisationId)),
      )
    ).flatMap((organisation) => (organisation ? [{ value: organisation.id, label: organisation.name }] : [])),
    items: items.map((item) => ({
      ...itemForPage(item, actor.userId, canManage),
      documents: links.filter((link) => link.agendaItemId === item.id).map(({ documentId, kind, title }) => ({ documentId, kind, title })),
    })),
    attendance: await attendanceForPage(args.context.db, meeting, actor, canManage),
    followUp: await followUpForPage(args.context.db, meeting, actor),
    organisations: canManage ? await organisationOptions(args.context.db, network.id) : [],
    timing: agendaTiming(items, meeting.durationMinutes),
    convocation: canManage ? await convocationForPage(args.context.db, actor, meeting) : null,
  };
}

/** The host and the coordinators follow the convocation's delivery: who is still waiting for it, who never got it. */
async function convocationForPage(db: LoaderFunctionArgs["context"]["db"], actor: Actor, meeting: MeetingRecord) {
  const status = await convocationDelivery(db, actor, meeting);
  return status ? { ...status, queuedAt: formatDateTime(status.queuedAt) } : null;
}

const members = (count: number) => `${count} membre${count > 1 ? "s" : ""}`;

/** Everyone sees how many come from each CCAS; one's own CCAS's names; the host sees everything, accessibility needs included. */
async function attendanceForPage(db: LoaderFunctionArgs["context"]["db"], meeting: { id: string; startsAt: Date; networkId: string }, actor: Actor, canManage: boolean) {
  const now = new Date();
  const rows = await listAttendance(db, meeting.id);
  const mine = (organisationId: string) => can(actor, { action: "attendance.register", networkId: meeting.networkId, organisationId });
  const byOrganisation = new Map<string, number>();
  for (const row of rows) byOrganisation.set(row.organisationName, (byOrganisation.get(row.organisationName) ?? 0) + 1);
  return {
    open: now < registrationDeadline(meeting.startsAt),
    deadline: formatDateTime(registrationDeadline(meeting.startsAt)),
    canRecord: canManage && now >= meeting.startsAt,
    total: rows.length,
    byOrganisation: [...byOrganisation].map(([name, count]) => ({ name, count })),
    accessibilityNeeds: canManage ? rows.filter((row) => row.accessibilityNeeds).map((row) => `${row.name} (${row.organisationName}) : ${row.accessibilityNeeds}`) : [],
    people: rows
      .filter((row) => canManage || mine(row.organisationId))
      .map((row) => ({ ...row, removable: mine(row.organisationId) })),
  };
}

async function followUpForPage(db: LoaderFunctionArgs["context"]["db"], meeting: MeetingRecord, actor: Actor) {
  const { decided, carried } = await followUpForMeeting(db, meeting);
  const forPage = ({ decidedAt, ...action }: (typeof decided)[number]) => ({
    ...action,
    dueOn: formatDate(new Date(`${action.dueOn}T12:00:00Z`)),
    decidedAt: formatDate(decidedAt),
    canUpdate: can(actor, {
      action: "followUp.updateStatus",
      networkId: meeting.networkId,
      hostOrganisationId: meeting.hostOrganisationId,
      ownerOrganisationId: action.ownerOrganisationId,
    }),
  });
  return { decided: decided.map(forPage), carried: carried.map(forPage) };
}

type Notice = { kind: "notice"; ok: boolean; message: string; itemId?: string; focus?: string };

export async function action(args: ActionFunctionArgs) {
  const { network, actor, meeting } = await loadMeeting(args);
  const { db, realtime } = args.context;
  const formData = await readForm(args.request);
  const intent = formData.get("intent");
  const fields = Object.fromEntries(formData);
  const changed = () => realtime.agendaChanged(meeting.id);
  const notice = (outcome: { ok: boolean; message?: string }, success: string, extra: Partial<Notice> = {}): Notice => {
    if (outcome.ok) changed();
    return { kind: "notice", ok: outcome.ok, message: outcome.ok ? success : (outcome.message ?? ""), ...extra };
  };
  const invalid: Notice = { kind: "notice", ok: false, message: "Demande incomplète : rechargez la page et réessayez." };

  switch (intent) {
    case "propose": {
      const submission = parseWithZod(formData, { schema: agendaItemSchema });
      if (submission.status !== "success") return { kind: "propose", result: submission.reply() } as const;
      const { proposingOrganisationId, ...item } = submission.value;
      const documentIds = formData.getAll("documentIds").filter((value): value is string => typeof value === "string");
      const outcome = await proposeItemLinkingDocuments(db, { actor, meeting, item, proposingOrganisationId, documentIds });
      if (!outcome.ok) {
        // A refusal about the meeting (agenda closed) goes above the page: the form may no longer be shown.
        if (!outcome.field) return notice(outcome, "");
        return { kind: "propose", result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) } as const;
      }
      changed();
      return { kind: "propose", result: submission.reply({ resetForm: true }), message: `Point proposé : « ${item.title} ».` } as const;
    }
    case "edit": {
      const submission = parseWithZod(formData, { schema: editAgendaItemSchema });
      if (submission.status !== "success") return { kind: "edit", result: submission.reply(), current: null, message: null } as const;
      const { itemId, version, ...item } = submission.value;
      const outcome = await editItem(db, { actor, meeting, itemId, version, item });
      if (!outcome.ok) {
        return { kind: "edit", result: submission.reply({ formErrors: [outcome.message] }), current: outcome.current ?? null, message: outcome.message } as const;
      }
      changed();
      return { kind: "notice", ok: true, message: `Point modifié : « ${item.title} ».`, itemId } satisfies Notice;
    }
    case "support": {
      const parsed = itemDecisionSchema.pick({ itemId: true }).safeParse(fields);
      if (!parsed.success) return invalid;
      return notice(await toggleSupport(db, { actor, meeting, itemId: parsed.data.itemId }), "Votre soutien est enregistré.", {
        itemId: parsed.data.itemId,
      });
    }
    case "accept": {
      const parsed = itemDecisionSchema.safeParse(fields);
      if (!parsed.success) return invalid;
      return notice(await decideItem(db, { actor, meeting, ...parsed.data, decision: { status: "accepted" } }), "Point retenu à l'ordre du jour.");
    }
    case "decline":
    case "defer": {
      const parsed = (intent === "decline" ? declineItemSchema : itemDecisionSchema).safeParse(fields);
      // Destructive decisions take two steps: the first shows what will happen and asks for confirmation.
      if (formData.get("confirm") !== "oui") {
        const itemId = typeof fields.itemId === "string" ? fields.itemId : "";
        return { kind: "confirm", decision: intent, itemId, error: null } as const;
      }
      if (!parsed.success) {
        const error = parsed.error.issues.find((issue) => issue.path[0] === "reason")?.message ?? invalid.message;
        return { kind: "confirm", decision: intent, itemId: String(fields.itemId ?? ""), error } as const;
      }
      const decision = intent === "decline" ? { status: "declined" as const, reason: String(fields.reason) } : { status: "deferred" as const };
      return notice(
        await decideItem(db, { actor, meeting, itemId: parsed.data.itemId, version: parsed.data.version, decision }),
        intent === "decline" ? "Le point n'est pas retenu ; la raison est indiquée à son auteur." : "Le point est reporté à la prochaine table ronde.",
      );
    }
    case "move": {
      const parsed = moveItemSchema.safeParse(fields);
      if (!parsed.success) return invalid;
      if ("toIndex" in parsed.data) {
        return notice(await moveItem(db, { actor, meeting, ...parsed.data }), `Point déplacé en position ${parsed.data.toIndex + 1}.`, {
          itemId: parsed.data.itemId,
        });
      }
      const direction = parsed.data.direction === "up" ? "monté" : "descendu";
      return notice(await moveItem(db, { actor, meeting, ...parsed.data }), `Point ${direction} d'un rang.`, {
        itemId: parsed.data.itemId,
        focus: `move-${parsed.data.direction}-${parsed.data.itemId}`,
      });
    }
    case "status": {
      const parsed = meetingStatusSchema.safeParse(fields);
      if (!parsed.success) return invalid;
      const outcome = await changeMeetingStatus(db, {
        actor,
        meeting,
        status: parsed.data.status,
        convene: { network, baseUrl: args.context.baseUrl },
      });
      const convened = outcome.ok && outcome.convened !== undefined ? ` Convocation en cours d'envoi à ${members(outcome.convened)}.` : "";
      return notice(outcome, `Statut : ${meetingStatusLabels[parsed.data.status]}.${convened}`);
    }
    case "retry-convocation": {
      const count = await retryConvocation(db, actor, meeting);
      return {
        kind: "notice",
        ok: true,
        message: count > 0 ? `Nouvel essai d'envoi de la convocation à ${members(count)}.` : "Aucune convocation non remise : rien à renvoyer.",
      } satisfies Notice;
    }
    case "details": {
      const submission = parseWithZod(formData, { schema: meetingDetailsSchema });
      if (submission.status !== "success") return { kind: "details", result: submission.reply(), stale: null } as const;
      const outcome = await updateMeetingDetails(db, { actor, meeting, timeZone: network.timeZone, details: submission.value });
      if (!outcome.ok) {
        const reply = outcome.field
          ? submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } })
          : submission.reply({ formErrors: [outcome.message] });
        return { kind: "details", result: reply, stale: outcome.current ? outcome.message : null } as const;
      }
      changed();
      return { kind: "notice", ok: true, message: "Les informations de la table ronde sont enregistrées." } satisfies Notice;
    }
    case "register": {
      const submission = parseWithZod(formData, { schema: attendeeSchema });
      if (submission.status !== "success") return { kind: "register", result: submission.reply() } as const;
      const outcome = await registerAttendee(db, { actor, meeting, ...submission.value });
      if (!outcome.ok) {
        // Registrations closed: said above the page, where the (hidden) form cannot.
        if (!outcome.field) return notice(outcome, "");
        return { kind: "register", result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) } as const;
      }
      changed();
      return { kind: "register", result: submission.reply({ resetForm: true }), message: `${submission.value.name} est inscrit·e.` } as const;
    }
    case "unregister": {
      const parsed = attendeeIdSchema.safeParse(fields);
      if (!parsed.success) return invalid;
      return notice(await removeAttendee(db, { actor, meeting, attendeeId: parsed.data.attendeeId }), "L'inscription est retirée.");
    }
    case "presence": {
      const parsed = presenceSchema.safeParse(fields);
      if (!parsed.success) return invalid;
      const attended = parsed.data.attended === "oui";
      return notice(
        await recordPresence(db, { actor, meeting, attendeeId: parsed.data.attendeeId, attended }),
        attended ? "Présence notée." : "Absence notée.",
      );
    }
    case "follow-up": {
      const submission = parseWithZod(formData, { schema: followUpSchema });
      if (submission.status !== "success") return { kind: "follow-up", result: submission.reply() } as const;
      const outcome = await addFollowUpAction(db, { actor, meeting, timeZone: network.timeZone, ...submission.value });
      if (!outcome.ok) {
        const reply = outcome.field
          ? submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } })
          : submission.reply({ formErrors: [outcome.message] });
        return { kind: "follow-up", result: reply } as const;
      }
      changed();
      return { kind: "follow-up", result: submission.reply({ resetForm: true }), message: "Action de suivi ajoutée." } as const;
    }
    case "follow-up-status": {
      const parsed = followUpStatusSchema.safeParse(fields);
      if (!parsed.success) return invalid;
      return notice(await setFollowUpStatus(db, { actor, meeting, ...parsed.data }), `Action : ${followUpStatusLabels[parsed.data.status].toLowerCase()}.`);
    }
    default:
      return invalid;
  }
}

const kindOptions = Object.entries(itemKindLabels).map(([value, label]) => ({ value, label }));

type PageData = ReturnType<typeof useLoaderData<typeof loader>>;
type Item = PageData["items"][number];

function ItemForm({
  id,
  intent,
  defaultValue,
  lastResult,
  organisations,
  documents,
  submitLabel,
  hidden,
}: {
  id: string;
  intent: "propose" | "edit";
  defaultValue: Record<string, string>;
  lastResult: SubmissionResult<string[]> | undefined;
  organisations?: Array<{ value: string; label: string }>;
  /** Watch pages and practice notes a proposal may link to. */
  documents?: Array<{ id: string; kind: string; title: string }>;
  submitLabel: string;
  hidden?: Record<string, string>;
}) {
  // Checked by the server only: zod stays out of this page's JavaScript (docs/decisions/009-page-budgets.md).
  const [form, fields] = useServerForm<FormFields<typeof agendaItemSchema>>({
    id,
    lastResult,
    defaultValue,
  });
  return (
    <Form method="post" key={form.key} {...form.props} preventScrollReset>
      <FormErrors id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <TextField field={fields.title} label="Titre du point" />
      <TextAreaField field={fields.description} label="Description (facultative)" hint="Ce que vous souhaitez partager ou décider, en quelques lignes." />
      <SelectField field={fields.kind} label="Type de point" placeholder="Choisissez un type" options={kindOptions} />
      <TextField field={fields.estimatedMinutes} label="Durée estimée (en minutes)" type="number" />
      {organisations && organisations.length > 1 ? (
        <SelectField field={fields.proposingOrganisationId} label="Proposé au nom de" options={organisations} />
      ) : null}
      {documents && documents.length > 0 ? (
        <div className="field">
          <label htmlFor={`${id}-documents`}>Pages de veille ou fiches pratiques liées (facultatif)</label>
          <span className="hint" id={`${id}-documents-hint`}>
            Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.
          </span>
          <select id={`${id}-documents`} name="documentIds" multiple size={Math.min(6, documents.length)} aria-describedby={`${id}-documents-hint`}>
            {documents.map((document) => (
              <option key={document.id} value={document.id}>
                {document.kind === "wiki" ? "Veille" : "Fiche"} : {document.title}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}

function DetailsForm({ data, lastResult }: { data: PageData; lastResult: SubmissionResult<string[]> | undefined }) {
  const { meeting } = data;
  // Typed as the form's raw strings: the schema coerces numbers on submission.
  const [form, fields] = useServerForm<Record<string, string>>({
    id: `details-${meeting.version}`,
    lastResult,
    defaultValue: {
      date: meeting.date,
      time: meeting.time,
      durationMinutes: String(meeting.durationMinutes),
      place: meeting.place ?? "",
      accessDetails: meeting.accessDetails ?? "",
      hostTheme: meeting.hostTheme ?? "",
    },
  });
  return (
    <Form method="post" key={form.key} {...form.props} preventScrollReset>
      <FormErrors id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="details" />
      <input type="hidden" name="version" value={meeting.version} />
      <TextField field={fields.date} label="Date" type="date" />
      <TextField field={fields.time} label="Heure de début (heure de Paris)" type="time" />
      <TextField field={fields.durationMinutes} label="Durée (en minutes)" type="number" />
      <TextField field={fields.hostTheme} label="Thème de la commune d'accueil" />
      <TextAreaField field={fields.place} label="Lieu" hint="Par défaut, l'adresse du CCAS d'accueil." rows={2} />
      <TextAreaField field={fields.accessDetails} label="Accès (transports, stationnement, accessibilité)" rows={2} />
      <SubmitButton>Enregistrer</SubmitButton>
    </Form>
  );
}

function ConfirmDecision({ item, decision, error }: { item: Item; decision: "decline" | "defer"; error: string | null }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const titleId = `confirm-${item.id}`;
  return (
    <div className="warning" role="alertdialog" aria-labelledby={titleId} aria-describedby={`${titleId}-text`}>
      <h4 id={titleId} tabIndex={-1} ref={heading}>
        {decision === "decline" ? `Ne pas retenir « ${item.title} » ?` : `Reporter « ${item.title} » ?`}
      </h4>
      <p id={`${titleId}-text`}>
        {decision === "decline"
          ? "Le point quittera l'ordre du jour ; la raison sera visible par tous les membres du réseau."
          : "Le point quittera l'ordre du jour de cette table ronde et sera inscrit, marqué « reporté », à celui de la suivante."}
      </p>
      <Form method="post" preventScrollReset>
        <input type="hidden" name="intent" value={decision} />
        <input type="hidden" name="itemId" value={item.id} />
        <input type="hidden" name="version" value={item.version} />
        <input type="hidden" name="confirm" value="oui" />
        {decision === "decline" ? (
          <div className="field">
            <label htmlFor={`reason-${item.id}`}>Raison</label>
            <textarea
              id={`reason-${item.id}`}
              name="reason"
              rows={2}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `reason-${item.id}-error` : undefined}
            />
            <p className="field-error" id={`reason-${item.id}-error`} hidden={!error}>
              {error}
            </p>
          </div>
        ) : null}
        <div className="actions">
          <button type="submit" className="button button--danger">
            {decision === "decline" ? "Confirmer : ne pas retenir" : "Confirmer le report"}
          </button>
          <Link to="." preventScrollReset>
            Annuler
          </Link>
        </div>
      </Form>
    </div>
  );
}

function ItemButton({ intent, item, label, className = "button button--secondary", extra, id, disabled }: {
  intent: string;
  item: Item;
  label: string;
  className?: string;
  extra?: Record<string, string>;
  id?: string;
  disabled?: boolean;
}) {
  return (
    <Form method="post" className="inline-form" preventScrollReset>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="itemId" value={item.id} />
      <input type="hidden" name="version" value={item.version} />
      {Object.entries(extra ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {/* aria-disabled rather than disabled: the button keeps the focus when its item reaches the top or the bottom. */}
      <button
        type="submit"
        id={id}
        className={className}
        aria-disabled={disabled || undefined}
        onClick={disabled ? (event) => event.preventDefault() : undefined}
      >
        {label}
        {/* Each item has the same buttons: the title tells them apart for screen readers. */}
        <span className="visually-hidden"> « {item.title} »</span>
      </button>
    </Form>
  );
}

type FollowUpAction = PageData["followUp"]["decided"][number];

function FollowUpList({ actions, carried }: { actions: FollowUpAction[]; carried: boolean }) {
  return (
    <ul className="contact-list follow-up">
      {actions.map((action) => (
        <li key={action.id}>
          <strong>{action.title}</strong> — {action.ownerName}, échéance le {action.dueOn}
          {carried ? `, décidée le ${action.decidedAt}` : ""} · <span className="badge">{followUpStatusLabels[action.status]}</span>{" "}
          {action.canUpdate ? (
            <Form method="post" className="inline-form" preventScrollReset>
              <input type="hidden" name="intent" value="follow-up-status" />
              <input type="hidden" name="actionId" value={action.id} />
              <input type="hidden" name="status" value={action.status === "open" ? "done" : "open"} />
              <button type="submit" className="button button--secondary">
                {action.status === "open" ? "Marquer réalisée" : "Rouvrir"}
                <span className="visually-hidden"> : {action.title}</span>
              </button>
            </Form>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function FollowUpSection({ data, lastResult }: { data: PageData; lastResult?: { result: SubmissionResult<string[]>; message?: string } }) {
  const { followUp } = data;
  const [form, fields] = useServerForm<FormFields<typeof followUpSchema>>({
    id: "action-de-suivi",
    lastResult: lastResult?.result,
  });
  if (!data.canManage && followUp.decided.length === 0 && followUp.carried.length === 0) return null;
  return (
    <section className="card" aria-labelledby="suivi">
      <h2 id="suivi">Suivi des actions</h2>
      {followUp.carried.length > 0 ? (
        <>
          <h3>Actions en cours des tables rondes précédentes</h3>
          <FollowUpList actions={followUp.carried} carried />
        </>
      ) : null}
      <h3>Actions décidées lors de cette table ronde</h3>
      {followUp.decided.length === 0 ? <p className="muted">Aucune action pour l'instant.</p> : <FollowUpList actions={followUp.decided} carried={false} />}
      {data.canManage ? (
        <>
          <h3>Ajouter une action</h3>
          {lastResult?.message ? (
            <p className="notice" role="status">
              {lastResult.message}
            </p>
          ) : null}
          <Form method="post" key={form.key} {...form.props} preventScrollReset>
            <FormErrors id={form.errorId} errors={form.errors} />
            <input type="hidden" name="intent" value="follow-up" />
            <TextField field={fields.title} label="Action" />
            <SelectField field={fields.ownerOrganisationId} label="CCAS qui la porte" placeholder="Choisissez un CCAS" options={data.organisations} />
            <TextField field={fields.dueOn} label="Échéance" type="date" />
            <SubmitButton>Ajouter l'action</SubmitButton>
          </Form>
        </>
      ) : null}
    </section>
  );
}

const functionOptions = Object.entries(attendeeFunctionLabels).map(([value, label]) => ({ value, label }));

function AttendanceSection({ data, lastResult }: { data: PageData; lastResult?: { result: SubmissionResult<string[]>; message?: string } }) {
  const { attendance } = data;
  const [form, fields] = useServerForm<FormFields<typeof attendeeSchema>>({
    id: "inscription",
    lastResult: lastResult?.result,
    defaultValue: { organisationId: data.myOrganisations[0]?.value ?? "", function: "director" },
  });
  return (
    <section className="card" aria-labelledby="participation">
      <h2 id="participation">Participation</h2>
      <p>
        {attendance.total === 0 ? "Personne n'est encore inscrit." : `${attendance.total} personne${attendance.total > 1 ? "s" : ""} inscrite${attendance.total > 1 ? "s" : ""}`}
        {attendance.byOrganisation.length > 0 ? ` : ${attendance.byOrganisation.map((entry) => `${entry.name} (${entry.count})`).join(", ")}.` : ""}
      </p>
      {attendance.accessibilityNeeds.length > 0 ? (
        <>
          <h3>Besoins d'accessibilité</h3>
          <ul>
            {attendance.accessibilityNeeds.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      ) : null}
      {attendance.people.length > 0 ? (
        <ul className="contact-list">
          {attendance.people.map((person) => (
            <li key={person.id}>
              {person.name} — {attendeeFunctionLabels[person.function]}, {person.organisationName}
              {person.attended === true ? " · présent·e" : person.attended === false ? " · absent·e" : ""}{" "}
              {attendance.canRecord ? (
                <Form method="post" className="inline-form" preventScrollReset>
                  <input type="hidden" name="intent" value="presence" />
                  <input type="hidden" name="attendeeId" value={person.id} />
                  <input type="hidden" name="attended" value={person.attended ? "non" : "oui"} />
                  <button type="submit" className="button button--secondary">
                    {person.attended ? "Noter absent·e" : "Noter présent·e"}
                    <span className="visually-hidden"> : {person.name}</span>
                  </button>
                </Form>
              ) : attendance.open && person.removable ? (
                <Form method="post" className="inline-form" preventScrollReset>
                  <input type="hidden" name="intent" value="unregister" />
                  <input type="hidden" name="attendeeId" value={person.id} />
                  <button type="submit" className="link-button">
                    Retirer<span className="visually-hidden"> l'inscription de {person.name}</span>
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {attendance.open && data.myOrganisations.length > 0 ? (
        <>
          <h3>Inscrire une personne (jusqu'au {attendance.deadline})</h3>
          {lastResult?.message ? (
            <p className="notice" role="status">
              {lastResult.message}
            </p>
          ) : null}
          <Form method="post" key={form.key} {...form.props} preventScrollReset>
            <FormErrors id={form.errorId} errors={form.errors} />
            <input type="hidden" name="intent" value="register" />
            {data.myOrganisations.length > 1 ? (
              <SelectField field={fields.organisationId} label="CCAS" options={data.myOrganisations} />
            ) : (
              <input type="hidden" name="organisationId" value={data.myOrganisations[0]!.value} />
            )}
            <TextField field={fields.name} label="Nom de la personne" autoComplete="off" />
            <SelectField field={fields.function} label="Fonction" options={functionOptions} />
            <TextAreaField field={fields.accessibilityNeeds} label="Besoins d'accessibilité (facultatif)" hint="Fauteuil roulant, boucle magnétique, régime alimentaire…" rows={2} />
            <SubmitButton>Inscrire</SubmitButton>
          </Form>
        </>
      ) : attendance.open ? null : (
        <p className="muted">Les inscriptions sont closes depuis le {attendance.deadline}.</p>
      )}
    </section>
  );
}

function ConvocationDelivery({ convocation }: { convocation: NonNullable<PageData["convocation"]> }) {
  const { sent, pending, failed } = convocation;
  return (
    <div className="convocation-delivery">
      <p>
        {pending > 0
          ? `Convocation en cours d'envoi à ${members(pending)}${sent > 0 ? ` ; déjà remise à ${members(sent)}` : ""}.`
          : `Convocation du ${convocation.queuedAt} : remise à ${members(sent)}.`}
      </p>
      {failed > 0 ? (
        <div className="warning">
          <p>
            {failed > 1
              ? `${failed} convocations non remises : le serveur d'envoi ne les a pas acceptées`
              : "1 convocation non remise : le serveur d'envoi ne l'a pas acceptée"}
            {pending > 0 ? " (les autres sont encore en cours d'envoi)" : ""}. Vérifiez {failed > 1 ? "ces adresses auprès de leurs CCAS" : "cette adresse auprès de son CCAS"}, puis renvoyez :
          </p>
          <ul>
            {convocation.failedRecipients.map((recipient) => (
              <li key={recipient}>{recipient}</li>
            ))}
          </ul>
          <Form method="post" preventScrollReset>
            <input type="hidden" name="intent" value="retry-convocation" />
            <button type="submit" className="button button--secondary">
              Renvoyer {failed > 1 ? "les convocations non remises" : "la convocation non remise"}
            </button>
          </Form>
        </div>
      ) : null}
    </div>
  );
}

export default function MeetingPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useLastActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const live = useLiveAgenda(data.meeting.id);
  const { meeting, timing } = data;
  const active = data.items.filter((item) => item.status === "proposed" || item.status === "accepted");
  const set = data.items.filter((item) => item.status === "declined" || item.status === "deferred");
  const editing = data.items.find((item) => item.id === searchParams.get("modifier") && item.canEdit);
  const editConflict = actionData?.kind === "edit" ? actionData : undefined;
  const editedValues = editConflict?.current ?? editing;
  const confirming = actionData?.kind === "confirm" ? actionData : undefined;
  const notice = actionData?.kind === "notice" ? actionData : undefined;
  const proposed = actionData?.kind === "propose" && "message" in actionData ? actionData.message : null;
  const submit = useSubmit();
  const drag = useDragReorder(
    active.map((item) => item.id),
    (itemId, toIndex) => submit({ intent: "move", itemId, toIndex: String(toIndex) }, { method: "post", preventScrollReset: true }),
  );

  // Moving an item re-orders the list, and a moved node loses the focus: put the keyboard back on the button
  // that was pressed, unless the user has already gone elsewhere.
  useEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (notice?.focus && lost) document.getElementById(notice.focus)?.focus();
  }, [notice, data.items]);

  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <ol>
          <li>
            <Link to={`/reseaux/${data.slug}/tables-rondes`}>Tables rondes</Link>
          </li>
          <li aria-current="page">{data.title}</li>
        </ol>
      </nav>
      <h1>{data.title}</h1>
      {notice ? (
        <p className={notice.ok ? "notice" : "form-error"} role={notice.ok ? "status" : "alert"}>
          {notice.message}
        </p>
      ) : null}

      <section className="card" aria-labelledby="infos">
        <h2 id="infos">Informations pratiques</h2>
        <dl className="details">
          <dt>Date</dt>
          <dd>{meeting.startsAt}</dd>
          <dt>Durée prévue</dt>
          <dd>{formatMinutes(meeting.durationMinutes)}</dd>
          <dt>Commune d'accueil</dt>
          <dd>
            {meeting.hostName}
            {meeting.override ? (
              <>
                <br />
                <span className="muted">
                  Choisi par la coordination à la place de {meeting.override.proposedHostName ?? "la rotation"} : {meeting.override.reason}
                </span>
              </>
            ) : null}
          </dd>
          <dt>Lieu</dt>
          <dd>{meeting.place ?? <span className="muted">à préciser</span>}</dd>
          <dt>Accès</dt>
          <dd>{meeting.accessDetails ?? <span className="muted">non précisé</span>}</dd>
          <dt>Thème de la commune d'accueil</dt>
          <dd>{meeting.hostTheme ?? <span className="muted">à définir</span>}</dd>
          <dt>Statut</dt>
          <dd>{meetingStatusLabels[meeting.status]}</dd>
        </dl>
        {data.convocation ? <ConvocationDelivery convocation={data.convocation} /> : null}
        {data.statusChanges.length > 0 ? (
          <div className="actions">
            {data.statusChanges.map((status) => (
              <Form method="post" key={status} className="inline-form" preventScrollReset>
                <input type="hidden" name="intent" value="status" />
                <input type="hidden" name="status" value={status} />
                <button type="submit" className="button button--secondary">
                  {meetingStatusActions[status]}
                </button>
              </Form>
            ))}
          </div>
        ) : null}
        <p>
          <a href={`/reseaux/${data.slug}/tables-rondes/${meeting.id}/ics`} download>
            Ajouter à mon agenda (fichier .ics)
          </a>{" "}
          · <Link to="convocation">Convocation à imprimer</Link>
        </p>
        <p>
          <Link to="compte-rendu">{meeting.hasMinutes ? "Lire et rédiger le compte rendu" : "Compte rendu"}</Link>
        </p>
        {data.canManage ? (
          <details className="edit-details" open={actionData?.kind === "details" || undefined}>
            <summary>Modifier la date, le lieu ou le thème</summary>
            {actionData?.kind === "details" && actionData.stale ? (
              <p className="form-error" role="alert">
                {actionData.stale}
              </p>
            ) : null}
            <DetailsForm
              key={meeting.version}
              data={data}
              lastResult={actionData?.kind === "details" && !actionData.stale ? actionData.result : undefined}
            />
          </details>
        ) : null}
      </section>

      <section aria-labelledby="ordre-du-jour">
        <h2 id="ordre-du-jour">Ordre du jour</h2>
        <p className="muted live-status">
          {live === "live"
            ? "Mis à jour en direct : les changements des autres membres apparaissent sans recharger la page."
            : live === "connecting"
              ? "Connexion au direct…"
              : "Direct interrompu : rechargez la page pour voir les derniers changements."}
        </p>
        <p className="agenda-timing">
          Points retenus : <strong>{formatMinutes(timing.acceptedMinutes)}</strong> sur {formatMinutes(timing.meetingMinutes)} prévues.
          {timing.pendingMinutes > 0 ? ` Propositions en attente : ${formatMinutes(timing.pendingMinutes)}.` : null}
        </p>
        {timing.overrunMinutes > 0 ? (
          <p className="warning">
            Attention : les points retenus dépassent la durée de la table ronde de {formatMinutes(timing.overrunMinutes)}. Reportez un point ou
            allongez la rencontre.
          </p>
        ) : timing.pendingWouldOverrun ? (
          <p className="warning">Si toutes les propositions étaient retenues, l'ordre du jour dépasserait la durée prévue.</p>
        ) : null}

        {data.canArrange && active.length > 1 ? (
          <p className="muted">Pour changer l'ordre, faites glisser un point à sa nouvelle place, ou utilisez ses boutons Monter et Descendre.</p>
        ) : null}
        {active.length === 0 ? (
          <p className="muted">Aucun point à l'ordre du jour pour l'instant.</p>
        ) : (
          <ol className="agenda">
            {active.map((item, index) => (
              <li
                key={item.id}
                className={`agenda-item agenda-item--${item.status}`}
                id={`point-${item.id}`}
                {...(data.canArrange && active.length > 1 ? drag.itemProps(item.id, index) : {})}
              >
                {data.canArrange && active.length > 1 ? (
                  <span className="drag-handle" aria-hidden="true" title="Glisser pour déplacer">
                    ⠿
                  </span>
                ) : null}
                <h3>{item.title}</h3>
                <p className="agenda-item__facts">
                  <span className="badge">{itemKindLabels[item.kind]}</span> <span className="badge">{itemStatusLabels[item.status]}</span>{" "}
                  <span>{formatMinutes(item.estimatedMinutes)}</span>
                  {item.carriedOverFrom ? <span className="badge badge--carried">Reporté de la table ronde du {item.carriedOverFrom}</span> : null}
                </p>
                {item.description ? <p>{item.description}</p> : null}
                {item.documents.length > 0 ? (
                  <ul className="agenda-item__documents" aria-label={`Documents liés à « ${item.title} »`}>
                    {item.documents.map((document) => (
                      <li key={document.documentId}>
                        <Link to={`/reseaux/${data.slug}/${document.kind === "wiki" ? "veille" : "fiches"}/${document.documentId}`}>
                          {document.kind === "wiki" ? "Veille" : "Fiche pratique"} : {document.title}
                        </Link>
                      </li>
                    ))}
                  </ul>
                ) : null}
                <p className="muted">
                  {item.proposerName ? `Proposé par ${item.proposerName}` : "Proposé"}
                  {item.proposingOrganisationName ? ` (${item.proposingOrganisationName})` : ""} ·{" "}
                  {item.supportCount === 0 ? "aucun soutien" : item.supportCount === 1 ? "1 soutien" : `${item.supportCount} soutiens`}
                </p>
                <div className="actions agenda-item__actions">
                  {data.canPropose ? (
                    <ItemButton
                      intent="support"
                      item={item}
                      label={item.supportedByMe ? "Retirer mon soutien" : "Soutenir"}
                      className={item.supportedByMe ? "button button--secondary" : "button"}
                    />
                  ) : null}
                  {data.canArrange ? (
                    <>
                      {item.status === "proposed" ? <ItemButton intent="accept" item={item} label="Retenir" className="button" /> : null}
                      <ItemButton intent="decline" item={item} label="Ne pas retenir…" />
                      <ItemButton intent="defer" item={item} label="Reporter…" />
                      <ItemButton
                        intent="move"
                        item={item}
                        label="Monter"
                        id={`move-up-${item.id}`}
                        extra={{ direction: "up" }}
                        disabled={index === 0}
                      />
                      <ItemButton
                        intent="move"
                        item={item}
                        label="Descendre"
                        id={`move-down-${item.id}`}
                        extra={{ direction: "down" }}
                        disabled={index === active.length - 1}
                      />
                    </>
                  ) : null}
                  {item.canEdit && (data.canPropose || data.canArrange) ? (
                    <Link to={`?modifier=${item.id}#modifier`} preventScrollReset>
                      Modifier<span className="visually-hidden"> « {item.title} »</span>
                    </Link>
                  ) : null}
                </div>
                {confirming && confirming.itemId === item.id ? (
                  <ConfirmDecision item={item} decision={confirming.decision} error={confirming.error} />
                ) : null}
              </li>
            ))}
          </ol>
        )}

        {editedValues ? (
          <section className="card" id="modifier" aria-labelledby="modifier-titre">
            <h3 id="modifier-titre">Modifier « {editedValues.title} »</h3>
            {editConflict?.current ? (
              <p className="form-error" role="alert">
                {editConflict.message}
              </p>
            ) : null}
            <ItemForm
              key={`${editedValues.id}-${editedValues.version}`}
              id={`edit-${editedValues.id}-${editedValues.version}`}
              intent="edit"
              lastResult={editConflict && !editConflict.current ? editConflict.result : undefined}
              defaultValue={{
                title: editedValues.title,
                description: editedValues.description ?? "",
                kind: editedValues.kind,
                estimatedMinutes: String(editedValues.estimatedMinutes),
              }}
              hidden={{ itemId: editedValues.id, version: String(editedValues.version) }}
              submitLabel="Enregistrer le point"
            />
          </section>
        ) : null}

        {set.length > 0 ? (
          <>
            <h3>Points reportés ou non retenus</h3>
            <ul className="agenda agenda--set">
              {set.map((item) => (
                <li key={item.id}>
                  <strong>{item.title}</strong> — {itemStatusLabels[item.status]}
                  {item.declineReason ? ` : ${item.declineReason}` : ""}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <FollowUpSection data={data} lastResult={actionData?.kind === "follow-up" ? actionData : undefined} />

      <AttendanceSection data={data} lastResult={actionData?.kind === "register" ? actionData : undefined} />

      {data.canPropose ? (
        <section className="card" aria-labelledby="proposer">
          <h2 id="proposer">Proposer un point</h2>
          {proposed ? (
            <p className="notice" role="status">
              {proposed}
            </p>
          ) : null}
          <ItemForm
            id="proposer-un-point"
            intent="propose"
            lastResult={actionData?.kind === "propose" ? actionData.result : undefined}
            defaultValue={{ kind: "exchange", estimatedMinutes: "20", proposingOrganisationId: data.myOrganisations[0]?.value ?? "" }}
            organisations={data.myOrganisations}
            documents={data.linkable}
            submitLabel="Proposer ce point"
          />
        </section>
      ) : null}
    </>
  );
}
