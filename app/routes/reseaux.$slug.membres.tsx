import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, SelectField, SubmitButton, TextField } from "../components/forms.tsx";
import { forbidden } from "../features/auth/guards.server.ts";
import { createInvitation, listPendingInvitations } from "../features/auth/invitations.server.ts";
import { can, invitableRoles, isCoordinatorOf } from "../features/auth/permissions.ts";
import { roleLabels, roles, type Role } from "../features/auth/roles.ts";
import { changeRoleSchema, deactivateMembershipSchema, invitationSchema } from "../features/auth/schemas.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { changeMemberRole, deactivateMember, listNetworkMembers } from "../features/network/members.server.ts";
import { listOrganisationNames } from "../features/network/organisations.server.ts";
import { readForm } from "../http/forms.server.ts";
import { formatDate } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Membres du réseau — Tablée" }];

async function access(args: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(args.context, args.request, args.params.slug);
  const organisations = await listOrganisationNames(args.context.db, network.id);
  const invitable = organisations
    .map((organisation) => ({ ...organisation, roles: invitableRoles(actor, network.id, organisation.id, roles) }))
    .filter((organisation) => organisation.roles.length > 0);
  // Only those who can invite someone somewhere (coordinators, directors) manage members.
  if (invitable.length === 0) throw forbidden();
  return { network, actor, invitable };
}

export async function loader(args: LoaderFunctionArgs) {
  const { network, actor, invitable } = await access(args);
  const coordinator = isCoordinatorOf(actor, network.id);
  const visibleOrganisations = new Set(invitable.map((organisation) => organisation.id));
  const members = (await listNetworkMembers(args.context.db, network.id)).filter(
    (member) => coordinator || visibleOrganisations.has(member.organisationId),
  );
  const pending = (await listPendingInvitations(args.context.db, network.id)).filter((invitation) =>
    visibleOrganisations.has(invitation.organisationId),
  );
  return {
    coordinator,
    selfUserId: actor.userId,
    invitable: invitable.map(({ id, name, roles }) => ({ id, name, roles })),
    members: members.map((member) => ({
      ...member,
      canManage: can(actor, { action: "membership.deactivate", networkId: network.id, targetUserId: member.userId }),
    })),
    pending,
  };
}

export async function action(args: ActionFunctionArgs) {
  const { network, actor } = await access(args);
  const formData = await readForm(args.request);
  const intent = formData.get("intent");
  const { db, clientIp } = args.context;
  if (intent === "change-role") {
    const parsed = changeRoleSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { kind: "member", message: "Choisissez un rôle valable.", ok: false } as const;
    const outcome = await changeMemberRole(db, { actor, networkId: network.id, ...parsed.data, ip: clientIp });
    return outcome.ok
      ? ({ kind: "member", ok: true, message: `Rôle changé : ${roleLabels[parsed.data.role]}.` } as const)
      : ({ kind: "member", ok: false, message: outcome.message } as const);
  }
  if (intent === "deactivate") {
    const parsed = deactivateMembershipSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { kind: "member", ok: false, message: "Membre inconnu." } as const;
    if (formData.get("confirm") !== "oui") {
      return { kind: "confirm-deactivate", ok: true, membershipId: parsed.data.membershipId, message: "" } as const;
    }
    const outcome = await deactivateMember(db, { actor, networkId: network.id, membershipId: parsed.data.membershipId, ip: clientIp });
    return outcome.ok
      ? ({ kind: "member", ok: true, message: "Le membre est désactivé ; ses sessions sont fermées." } as const)
      : ({ kind: "member", ok: false, message: outcome.message } as const);
  }
  const submission = parseWithZod(formData, { schema: invitationSchema });
  if (submission.status !== "success") return { kind: "invite", result: submission.reply(), link: null } as const;
  const outcome = await createInvitation(db, args.context.mailer, {
    actor,
    networkId: network.id,
    ...submission.value,
    ip: clientIp,
    baseUrl: args.context.baseUrl,
  });
  if (!outcome.ok) {
    const reply = outcome.field
      ? submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } })
      : submission.reply({ formErrors: [outcome.message] });
    return { kind: "invite", result: reply, link: null } as const;
  }
  return {
    kind: "invite",
    result: submission.reply({ resetForm: true }),
    link: outcome.link,
    mailSent: outcome.mailSent,
    email: submission.value.email,
  } as const;
}

export default function Members() {
  const { coordinator, invitable, members, pending } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const inviteData = data?.kind === "invite" ? data : undefined;
  const [form, fields] = useForm({
    id: "invitation",
    lastResult: inviteData?.result,
    defaultValue: { organisationId: invitable.length === 1 ? invitable[0]!.id : "", role: "staff" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: invitationSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const allRoles = [...new Set(invitable.flatMap((organisation) => organisation.roles))] as Role[];
  const confirming = data?.kind === "confirm-deactivate" ? members.find((member) => member.membershipId === data.membershipId) : undefined;
  return (
    <>
      <h1>Membres du réseau</h1>
      <section className="card" aria-labelledby="inviter">
        <h2 id="inviter">Inviter une personne</h2>
        {inviteData?.link ? (
          <div className={inviteData.mailSent ? "notice" : "warning"} role="status">
            <p>
              {inviteData.mailSent ? (
                <>
                  Invitation envoyée à <strong>{inviteData.email}</strong>. Elle est valable 7 jours.
                </>
              ) : (
                <>
                  L'invitation pour <strong>{inviteData.email}</strong> est créée (valable 7 jours), mais l'e-mail n'a pas pu
                  partir : transmettez-lui ce lien vous-même.
                </>
              )}
            </p>
            <p>
              Lien d'invitation, si vous préférez le transmettre vous-même : <code>{inviteData.link}</code>
            </p>
          </div>
        ) : null}
        <Form method="post" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <TextField field={fields.email} label="Adresse e-mail de la personne" type="email" />
          <SelectField
            field={fields.organisationId}
            label="CCAS"
            placeholder="Choisissez un CCAS"
            options={invitable.map((organisation) => ({ value: organisation.id, label: organisation.name }))}
          />
          <SelectField field={fields.role} label="Rôle" options={allRoles.map((role) => ({ value: role, label: roleLabels[role] }))} />
          <SubmitButton>Envoyer l'invitation</SubmitButton>
        </Form>
      </section>

      {data?.kind === "member" ? (
        <p className={data.ok ? "notice" : "form-error"} role={data.ok ? "status" : "alert"}>
          {data.message}
        </p>
      ) : null}
      {confirming ? (
        <div className="warning" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
          <h2 id="confirm-title">Désactiver {confirming.name} ?</h2>
          <p id="confirm-text">
            {confirming.name} ({confirming.organisationName}) n'aura plus accès au réseau et sera déconnecté·e tout de suite, sur tous
            ses appareils. Son historique est conservé.
          </p>
          <Form method="post" className="actions">
            <input type="hidden" name="intent" value="deactivate" />
            <input type="hidden" name="membershipId" value={confirming.membershipId} />
            <input type="hidden" name="confirm" value="oui" />
            <button type="submit" className="button button--danger">
              Confirmer la désactivation
            </button>
            <a href="?">Annuler</a>
          </Form>
        </div>
      ) : null}

      <h2>{coordinator ? "Toutes les personnes inscrites" : "Personnes inscrites de votre CCAS"}</h2>
      <div className="table-wrap">
        <table className="responsive-table">
          <caption className="visually-hidden">Membres</caption>
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">CCAS</th>
              <th scope="col">Rôle</th>
              {coordinator ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.membershipId}>
                <th scope="row">
                  {member.name}
                  <br />
                  <span className="muted">{member.email}</span>
                </th>
                <td data-label="CCAS">{member.organisationName}</td>
                <td data-label="Rôle">
                  {member.deactivatedAt ? <span className="badge badge--off">désactivé</span> : roleLabels[member.role]}
                </td>
                {coordinator ? (
                  <td data-label="Actions">
                    {member.canManage && !member.deactivatedAt ? (
                      <>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="change-role" />
                          <input type="hidden" name="membershipId" value={member.membershipId} />
                          <label className="visually-hidden" htmlFor={`role-${member.membershipId}`}>
                            Rôle de {member.name}
                          </label>
                          <select id={`role-${member.membershipId}`} name="role" defaultValue={member.role}>
                            {roles.map((role) => (
                              <option key={role} value={role}>
                                {roleLabels[role]}
                              </option>
                            ))}
                          </select>
                          <button type="submit" className="button button--secondary" aria-label={`Changer le rôle de ${member.name}`}>
                            Changer
                          </button>
                        </Form>{" "}
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="deactivate" />
                          <input type="hidden" name="membershipId" value={member.membershipId} />
                          <button type="submit" className="button button--secondary" aria-label={`Désactiver ${member.name}`}>
                            Désactiver
                          </button>
                        </Form>
                      </>
                    ) : member.canManage ? null : (
                      <span className="muted">vous</span>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Invitations en attente</h2>
      {pending.length === 0 ? (
        <p className="muted">Aucune invitation en attente.</p>
      ) : (
        <ul>
          {pending.map((invitation) => (
            <li key={invitation.id}>
              {invitation.email} — {invitation.organisationName}, {roleLabels[invitation.role].toLowerCase()} (jusqu'au{" "}
              {formatDate(invitation.expiresAt)})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
