import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { listNetworkAudit } from "../features/auth/audit.server.ts";
import { authorize } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Journal d'activité — Tablée" }];

const actionLabels: Record<string, string> = {
  sign_in: "Connexion",
  sign_in_failed: "Échec de connexion",
  sign_in_throttled: "Connexion bloquée (trop de tentatives)",
  sign_out: "Déconnexion",
  password_reset_requested: "Demande de nouveau mot de passe",
  password_reset_completed: "Mot de passe changé",
  invitation_created: "Invitation envoyée",
  invitation_accepted: "Invitation acceptée",
  role_changed: "Rôle changé",
  membership_deactivated: "Membre désactivé",
  account_deactivated: "Compte désactivé",
  organisation_created: "CCAS ajouté",
  organisation_updated: "Coordonnées d'un CCAS modifiées",
  network_created: "Réseau créé",
  meeting_created: "Table ronde créée",
  meeting_status_changed: "Statut d'une table ronde changé",
  meeting_updated: "Table ronde modifiée",
  agenda_item_decided: "Décision sur un point de l'ordre du jour",
  rotation_changed: "Réglages de la rotation changés",
  purchase_updated: "Achat groupé modifié",
  convention_updated: "Convention modifiée",
  document_owner_changed: "Page de veille confiée à un autre responsable",
  practice_owner_changed: "Fiche pratique confiée à un autre responsable",
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  authorize(actor, { action: "audit.view", networkId: network.id });
  const events = await listNetworkAudit(context.db, network.id);
  return {
    events: events.map((event) => ({
      id: event.id,
      when: formatDateTime(event.createdAt),
      action: actionLabels[event.action] ?? event.action,
      actor: event.actorName,
      subject: event.subjectName ?? event.subjectEmail,
      organisation: event.organisationName,
      detail: describeDetail(event.detail),
      ip: event.ip,
    })),
  };
}

function describeDetail(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof detail.email === "string") parts.push(detail.email);
  if (typeof detail.from === "string" && typeof detail.to === "string") parts.push(`${detail.from} → ${detail.to}`);
  if (typeof detail.role === "string") parts.push(`rôle : ${detail.role}`);
  if (typeof detail.commune === "string") parts.push(detail.commune);
  if (typeof detail.summary === "string") parts.push(detail.summary);
  return parts.join(" · ");
}

export default function AuditLog() {
  const { events } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Journal d'activité</h1>
      <p>Connexions, échecs, invitations, changements de rôle et désactivations des membres du réseau, décisions sur les tables rondes et la rotation (200 derniers événements).</p>
      {events.length === 0 ? (
        <div className="empty-state">
          <p>Aucun événement enregistré.</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Événements récents</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Événement</th>
                <th scope="col">Par</th>
                <th scope="col">Concerne</th>
                <th scope="col">Détail</th>
                <th scope="col">Adresse IP</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id}>
                  <td>{event.when}</td>
                  <td>{event.action}</td>
                  <td>{event.actor ?? "—"}</td>
                  <td>{[event.subject, event.organisation].filter(Boolean).join(" · ") || "—"}</td>
                  <td>{event.detail || "—"}</td>
                  <td>{event.ip ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
