import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { z } from "zod";
import { Attachments } from "../components/attachments.tsx";
import { FormErrors, SelectField, SubmitButton, TextAreaField, TextField } from "../components/forms.tsx";
import { listAttachments, MAX_ATTACHMENT_BYTES } from "../features/attachments/attachments.server.ts";
import { attachmentViews, attachUpload, deleteFromForm, type AttachmentResult } from "../features/attachments/forms.server.ts";
import { authorize, notFound, requireSession } from "../features/auth/guards.server.ts";
import { can, type Actor } from "../features/auth/permissions.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { formatLocalDate, todayIn } from "../features/purchases/dates.ts";
import { formatEuros } from "../features/purchases/money.ts";
import {
  awardOffer,
  changeStage,
  decideOrder,
  findPurchaseInNetwork,
  purchaseDetails,
  recordOffer,
  respondToPurchase,
  updatePurchase,
} from "../features/purchases/purchases.server.ts";
import { decisionLabels, purchaseStages, stageLabels } from "../features/purchases/labels.ts";
import { awardSchema, editPurchaseSchema, offerSchema, orderSchema, respondSchema, stageSchema } from "../features/purchases/schemas.ts";
import { procedureLabels } from "../features/purchases/thresholds.ts";
import { readForm } from "../http/forms.server.ts";
import { isMultipart, readUpload } from "../http/uploads.server.ts";
import { formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.purchase.subject ?? "Achat groupé"} — Tablée` }];

const euros = (cents: number | null) => (cents === null ? "—" : formatEuros(cents));

async function load(request: Request, params: LoaderFunctionArgs["params"], context: LoaderFunctionArgs["context"]) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const purchase = await findPurchaseInNetwork(context.db, network.id, params.purchaseId ?? "");
  if (!purchase) throw notFound();
  return { network, actor, purchase };
}

/** The CCAS this user answers for: the ones they direct. */
function respondingFor(actor: Actor, networkId: string, organisationIds: string[]) {
  return organisationIds.filter((organisationId) => can(actor, { action: "purchase.respond", networkId, organisationId }));
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor, purchase } = await load(request, params, context);
  const details = await purchaseDetails(context.db, purchase);
  const mine = respondingFor(actor, network.id, details.participants.map((participant) => participant.organisationId));
  const files = attachmentViews(await listAttachments(context.db, "offer", details.offers.map((offer) => offer.id)));
  return {
    slug: network.slug,
    today: todayIn(network.timeZone),
    purchase: {
      ...purchase,
      joinDeadlineLabel: formatLocalDate(purchase.joinDeadline),
      referenceDateLabel: formatLocalDate(purchase.referenceDate),
      stageLabel: stageLabels[purchase.stage],
      awardedAt: purchase.awardedAt ? formatDateTime(purchase.awardedAt) : null,
    },
    canManage: can(actor, { action: "purchase.manage", networkId: network.id, coordinatingOrganisationId: purchase.coordinatingOrganisationId }),
    combinedNeed: formatEuros(details.combinedNeedCents),
    procedure: { label: procedureLabels[details.procedure.procedure], explanation: details.procedure.explanation },
    participants: details.participants.map((participant) => ({
      ...participant,
      decisionLabel: participant.decision ? decisionLabels[participant.decision] : "Pas de réponse",
      need: participant.estimatedNeedCents === null ? "" : formatEuros(participant.estimatedNeedCents),
      boardApproved: formatLocalDate(participant.boardApprovedOn),
      order: participant.orderDecision === "confirmed" ? "Commande confirmée" : participant.orderDecision === "declined" ? "Commande déclinée" : "",
      mine: mine.includes(participant.organisationId),
    })),
    offers: details.offers.map((offer) => ({
      id: offer.id,
      providerName: offer.providerName,
      siret: offer.siret,
      contact: offer.contact,
      notes: offer.notes,
      description: offer.description,
      files: files.filter((file) => file.ownerId === offer.id),
      rows: offer.comparison.rows.map((row) => ({ ...row, grouped: euros(row.groupedCents), alone: euros(row.aloneCents), saving: euros(row.savingCents) })),
      totals: { grouped: euros(offer.comparison.totalGroupedCents), alone: euros(offer.comparison.totalAloneCents), saving: euros(offer.comparison.totalSavingCents) },
    })),
    awardedOffer: details.awardedOffer ? { id: details.awardedOffer.id, providerName: details.awardedOffer.providerName, description: details.awardedOffer.description } : null,
    history: details.history.map((change) => ({
      at: formatDateTime(change.changedAt),
      label: change.fromStage ? `${stageLabels[change.fromStage]} → ${stageLabels[change.toStage]}` : `Création : ${stageLabels[change.toStage]}`,
      by: change.changedByName ?? "compte supprimé",
    })),
  };
}

type Intent = "respond" | "offer" | "award" | "order" | "stage" | "edit" | "attach" | "delete-attachment";
type ActionResult = { intent: Intent; result?: SubmissionResult<string[]>; attachment?: AttachmentResult };

async function offerIdsOf(db: ActionFunctionArgs["context"]["db"], purchaseId: string): Promise<string[]> {
  return (await db.selectFrom("purchaseOffers").select("id").where("purchaseId", "=", purchaseId).execute()).map((offer) => offer.id);
}

export async function action({ request, params, context }: ActionFunctionArgs): Promise<ActionResult> {
  if (isMultipart(request)) {
    // A file for one of the offers. Read (within its limit) before answering a refusal: a reply sent mid-upload resets the connection.
    requireSession(context, request);
    const upload = await readUpload(request, MAX_ATTACHMENT_BYTES);
    const { network, actor, purchase } = await load(request, params, context);
    const offerIds = await offerIdsOf(context.db, purchase.id);
    const attachment = await attachUpload(context.db, context.uploadDir, actor, {
      upload,
      networkId: network.id,
      owner: (fields) => {
        const offerId = String(fields?.get("offerId") ?? "");
        return offerIds.includes(offerId) ? { kind: "offer", id: offerId } : undefined;
      },
    });
    return { intent: "attach", attachment };
  }
  const { network, actor, purchase } = await load(request, params, context);
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "") as Intent;
  const today = todayIn(network.timeZone);
  const fail = (result: SubmissionResult<string[]>): ActionResult => ({ intent, result });
  function refuse<S extends { reply: (options?: object) => SubmissionResult<string[]> }>(submission: S, outcome: { field?: string; message: string }) {
    return fail(outcome.field ? submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) : submission.reply({ formErrors: [outcome.message] }));
  }
  switch (intent) {
    case "respond": {
      const submission = parseWithZod(formData, { schema: respondSchema });
      if (submission.status !== "success") return fail(submission.reply());
      const { organisationId, decision, estimatedNeed, boardApprovedOn } = submission.value;
      const outcome = await respondToPurchase(context.db, { actor, purchase, organisationId, today, decision, estimatedNeedCents: estimatedNeed, boardApprovedOn });
      return outcome.ok ? fail(submission.reply({ resetForm: false })) : refuse(submission, outcome);
    }
    case "offer": {
      const submission = parseWithZod(formData, { schema: offerSchema });
      if (submission.status !== "success") return fail(submission.reply());
      const value = submission.value as z.output<typeof offerSchema>;
      await recordOffer(context.db, {
        actor,
        purchase,
        offer: {
          providerName: value.providerName,
          siret: value.siret,
          contact: value.contact,
          notes: value.notes,
          pricing:
            value.pricingKind === "tiers"
              ? { kind: "tiers", tiers: value.tiers }
              : { kind: "fixed_per_inhabitant", fixedCents: value.fixedPart!, perInhabitantCents: value.perInhabitant! },
        },
      });
      return fail(submission.reply({ resetForm: true }));
    }
    case "award": {
      const submission = parseWithZod(formData, { schema: awardSchema });
      if (submission.status !== "success") return fail(submission.reply());
      const outcome = await awardOffer(context.db, { actor, purchase, ...submission.value });
      return outcome.ok ? fail(submission.reply()) : refuse(submission, outcome);
    }
    case "order": {
      const submission = parseWithZod(formData, { schema: orderSchema });
      if (submission.status !== "success") return fail(submission.reply());
      const outcome = await decideOrder(context.db, { actor, purchase, ...submission.value });
      return outcome.ok ? fail(submission.reply()) : refuse(submission, outcome);
    }
    case "stage": {
      const submission = parseWithZod(formData, { schema: stageSchema });
      if (submission.status !== "success") return fail(submission.reply());
      await changeStage(context.db, { actor, purchase, stage: submission.value.stage });
      return fail(submission.reply());
    }
    case "edit": {
      // Who may not manage the project is refused before its input is judged.
      authorize(actor, { action: "purchase.manage", networkId: purchase.networkId, coordinatingOrganisationId: purchase.coordinatingOrganisationId });
      const submission = parseWithZod(formData, { schema: editPurchaseSchema });
      if (submission.status !== "success") return fail(submission.reply());
      const { intent: _intent, ...changes } = submission.value;
      const outcome = await updatePurchase(context.db, { actor, purchase, today, changes });
      return outcome.ok ? fail(submission.reply()) : refuse(submission, outcome);
    }
    case "delete-attachment": {
      const offerIds = await offerIdsOf(context.db, purchase.id);
      return { intent, attachment: await deleteFromForm(context.db, context.uploadDir, actor, formData, { networkId: network.id, ownerKind: "offer", ownerIds: offerIds }) };
    }
    default:
      throw new Response("Action inconnue.", { status: 400 });
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function useIntentResult(intent: Intent) {
  const data = useActionData<typeof action>();
  return data?.intent === intent ? data.result : undefined;
}

function RespondForm({ participant, deadlinePassed }: { participant: LoaderData["participants"][number]; deadlinePassed: boolean }) {
  const [form, fields] = useForm({
    id: `reponse-${participant.organisationId}`,
    lastResult: useIntentResult("respond"),
    defaultValue: {
      decision: participant.decision ?? "",
      estimatedNeed: participant.estimatedNeedCents === null ? "" : String(participant.estimatedNeedCents / 100).replace(".", ","),
      boardApprovedOn: participant.boardApprovedOn ?? "",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: respondSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <section className="card" aria-labelledby={`reponse-titre-${participant.organisationId}`}>
      <h2 id={`reponse-titre-${participant.organisationId}`}>Réponse du {participant.name}</h2>
      {deadlinePassed ? <p className="muted">La date limite d'adhésion est passée : vous pouvez seulement vous retirer.</p> : null}
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="respond" />
        <input type="hidden" name="organisationId" value={participant.organisationId} />
        <SelectField
          field={fields.decision}
          label="Votre réponse"
          placeholder="Choisissez"
          options={[
            { value: "interested", label: "Intéressé" },
            { value: "joined", label: "Adhère au groupement" },
            { value: "declined", label: "Ne participe pas" },
          ]}
        />
        <TextField field={fields.estimatedNeed} label="Besoin estimé (€ HT)" hint="Obligatoire pour adhérer, par exemple 15 000" />
        <TextField field={fields.boardApprovedOn} label="Date de la délibération du conseil d'administration" type="date" />
        <SubmitButton>Enregistrer la réponse</SubmitButton>
      </Form>
    </section>
  );
}

function OfferForm() {
  const [form, fields] = useForm({
    id: "nouvelle-offre",
    lastResult: useIntentResult("offer"),
    defaultValue: { pricingKind: "tiers", tierMin1: "1", tierMin2: "3", tierMin3: "5", tierMin4: "10" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: offerSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const tierRows = [1, 2, 3, 4] as const;
  return (
    <section className="card" aria-labelledby="nouvelle-offre-titre">
      <h2 id="nouvelle-offre-titre">Enregistrer une offre</h2>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="offer" />
        <TextField field={fields.providerName} label="Prestataire" />
        <TextField field={fields.siret} label="SIRET" hint="14 chiffres, vérifiés par leur clé de contrôle" />
        <TextField field={fields.contact} label="Contact du prestataire (facultatif)" />
        <SelectField
          field={fields.pricingKind}
          label="Forme du prix"
          options={[
            { value: "tiers", label: "Prix par CCAS selon le nombre de participants" },
            { value: "fixed_per_inhabitant", label: "Part fixe + part par habitant" },
          ]}
        />
        <fieldset>
          <legend>Paliers (prix par CCAS, € HT)</legend>
          {tierRows.map((index) => (
            <div className="inline-fields" key={index}>
              <TextField field={fields[`tierMin${index}`]} label={`Palier ${index} : à partir de (CCAS)`} />
              <TextField field={fields[`tierPrice${index}`]} label={`Palier ${index} : prix par CCAS (€ HT)`} />
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>Ou : part fixe et part par habitant</legend>
          <TextField field={fields.fixedPart} label="Part fixe par CCAS (€ HT)" />
          <TextField field={fields.perInhabitant} label="Prix par habitant (€ HT)" />
        </fieldset>
        <TextAreaField field={fields.notes} label="Remarques (facultatif)" rows={2} />
        <SubmitButton>Enregistrer l'offre</SubmitButton>
      </Form>
    </section>
  );
}

function AwardForm({ offers }: { offers: LoaderData["offers"] }) {
  const [form, fields] = useForm({
    id: "attribution",
    lastResult: useIntentResult("award"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: awardSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <section className="card" aria-labelledby="attribution-titre">
      <h2 id="attribution-titre">Retenir une offre</h2>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="award" />
        <SelectField field={fields.offerId} label="Offre retenue" placeholder="Choisissez une offre" options={offers.map((offer) => ({ value: offer.id, label: offer.providerName }))} />
        <TextAreaField field={fields.reason} label="Motif du choix" hint="Par exemple : meilleur rapport qualité-prix selon les critères de la consultation" />
        <SubmitButton>Attribuer</SubmitButton>
      </Form>
    </section>
  );
}

function EditPurchaseForm({ purchase }: { purchase: LoaderData["purchase"] }) {
  const lastResult = useIntentResult("edit");
  const failed = lastResult?.status === "error";
  const values = { subject: purchase.subject, needDescription: purchase.needDescription, contactName: purchase.contactName, contactEmail: purchase.contactEmail ?? "", joinDeadline: purchase.joinDeadline };
  const [form, fields] = useForm({
    id: "modifier-achat",
    lastResult,
    defaultValue: values,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: editPurchaseSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <section className="card" aria-labelledby="modifier-achat-titre">
      <h2 id="modifier-achat-titre">Modifier le projet</h2>
      <details open={failed || undefined}>
        <summary>Modifier l'objet, le besoin, le contact ou la date limite</summary>
        <Form method="post" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <input type="hidden" name="intent" value="edit" />
          <TextField field={fields.subject} label="Objet" />
          <TextAreaField field={fields.needDescription} label="Description du besoin" rows={4} />
          <TextField field={fields.contactName} label="Nom du contact" />
          <TextField field={fields.contactEmail} label="E-mail du contact (facultatif)" type="email" />
          <TextField field={fields.joinDeadline} label="Date limite d'adhésion" type="date" />
          <SubmitButton>Enregistrer les modifications</SubmitButton>
        </Form>
      </details>
      {lastResult && !failed ? (
        <p className="notice" role="status">
          Modifications enregistrées.
        </p>
      ) : null}
    </section>
  );
}

function StageForm({ stage }: { stage: string }) {
  const [form, fields] = useForm({ id: "etape", lastResult: useIntentResult("stage"), defaultValue: { stage } });
  return (
    <Form method="post" {...getFormProps(form)} className="inline-form">
      <input type="hidden" name="intent" value="stage" />
      <SelectField field={fields.stage} label="Changer d'étape" options={purchaseStages.map((value) => ({ value, label: stageLabels[value] }))} />
      <SubmitButton className="button button--secondary">Enregistrer l'étape</SubmitButton>
    </Form>
  );
}

export default function GroupPurchase() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { purchase } = data;
  const joined = data.participants.filter((participant) => participant.decision === "joined");
  const mine = data.participants.filter((participant) => participant.mine);
  const deadlinePassed = data.today > purchase.joinDeadline;
  return (
    <>
      <p>
        <a href={`/reseaux/${data.slug}/achats`}>← Tous les achats groupés</a>
      </p>
      <h1>{purchase.subject}</h1>
      <p className="lead">{purchase.needDescription}</p>
      <dl className="details">
        <dt>CCAS coordonnateur</dt>
        <dd>{purchase.coordinatingName}</dd>
        <dt>Contact</dt>
        <dd>
          {purchase.contactName}
          {purchase.contactEmail ? <> — <a href={`mailto:${purchase.contactEmail}`}>{purchase.contactEmail}</a></> : null}
        </dd>
        <dt>Adhésions jusqu'au</dt>
        <dd>{purchase.joinDeadlineLabel}</dd>
        <dt>Étape</dt>
        <dd>{purchase.stageLabel}</dd>
      </dl>
      {data.canManage ? <StageForm stage={purchase.stage} /> : null}
      {data.canManage ? <EditPurchaseForm key={`${purchase.subject}|${purchase.needDescription}|${purchase.contactName}|${purchase.contactEmail}|${purchase.joinDeadline}`} purchase={purchase} /> : null}

      <h2>Qui participe</h2>
      <p>
        {joined.length} CCAS adhèrent, pour un besoin cumulé de <strong>{data.combinedNeed} HT</strong>. Procédure à prévoir :{" "}
        <strong>{data.procedure.label}</strong> — {data.procedure.explanation} (seuils en vigueur au {purchase.referenceDateLabel}).
      </p>
      <div className="table-wrap">
        <table className="responsive-table">
          <caption className="visually-hidden">Réponse de chaque CCAS</caption>
          <thead>
            <tr>
              <th scope="col">CCAS</th>
              <th scope="col">Réponse</th>
              <th scope="col">Besoin estimé HT</th>
              <th scope="col">Délibération</th>
              <th scope="col">Commande</th>
            </tr>
          </thead>
          <tbody>
            {data.participants.map((participant) => (
              <tr key={participant.organisationId}>
                <th scope="row">{participant.name}</th>
                <td data-label="Réponse">{participant.decisionLabel}</td>
                <td data-label="Besoin estimé HT">{participant.need}</td>
                <td data-label="Délibération">{participant.boardApproved}</td>
                <td data-label="Commande">{participant.order}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {mine.map((participant) => (
        <RespondForm key={participant.organisationId} participant={participant} deadlinePassed={deadlinePassed} />
      ))}

      <h2>Offres et comparaison</h2>
      {data.offers.length === 0 ? <p className="muted">Aucune offre n'a encore été enregistrée.</p> : null}
      {data.offers.map((offer) => (
        <section key={offer.id} className="card offer" aria-labelledby={`offre-${offer.id}`}>
          <h3 id={`offre-${offer.id}`}>
            {offer.providerName}
            {data.awardedOffer?.id === offer.id ? " — offre retenue" : ""}
          </h3>
          <p>
            SIRET {offer.siret}
            {offer.contact ? ` — ${offer.contact}` : ""}
          </p>
          <p>{offer.description}</p>
          {offer.notes ? <p className="muted">{offer.notes}</p> : null}
          <Attachments
            slug={data.slug}
            ownerId={offer.id}
            attachments={offer.files}
            canWrite={data.canManage}
            result={actionData?.attachment}
            title={`Pièces jointes de l'offre ${offer.providerName}`}
            headingLevel={4}
            addLabel={`Joindre un fichier à l'offre ${offer.providerName}`}
            fields={{ offerId: offer.id }}
          />
          {offer.rows.length === 0 ? (
            <p className="muted">Aucun CCAS n'adhère encore : la comparaison apparaîtra avec les adhésions.</p>
          ) : (
            <div className="table-wrap">
              <table className="responsive-table">
                <caption>
                  Prix pour {offer.rows.length} CCAS participant{offer.rows.length > 1 ? "s" : ""}, comparé à un achat seul
                </caption>
                <thead>
                  <tr>
                    <th scope="col">CCAS</th>
                    <th scope="col">En groupement</th>
                    <th scope="col">Seul</th>
                    <th scope="col">Économie</th>
                  </tr>
                </thead>
                <tbody>
                  {offer.rows.map((row) => (
                    <tr key={row.organisationId}>
                      <th scope="row">{row.name}</th>
                      <td data-label="En groupement">{row.grouped}</td>
                      <td data-label="Seul">{row.alone}</td>
                      <td data-label="Économie">{row.saving}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">Total</th>
                    <td data-label="En groupement">{offer.totals.grouped}</td>
                    <td data-label="Seul">{offer.totals.alone}</td>
                    <td data-label="Économie">{offer.totals.saving}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
        </section>
      ))}
      {data.canManage ? <OfferForm /> : null}
      {data.canManage && data.offers.length > 0 ? <AwardForm offers={data.offers} /> : null}

      {data.awardedOffer ? (
        <section className="card" aria-labelledby="attribue">
          <h2 id="attribue">Attribution</h2>
          <p>
            Offre retenue : <strong>{data.awardedOffer.providerName}</strong> ({data.awardedOffer.description}), le {purchase.awardedAt}.
          </p>
          <p>Motif : {purchase.awardReason}</p>
          {mine
            .filter((participant) => participant.decision === "joined")
            .map((participant) => (
              <Form method="post" key={participant.organisationId} className="inline-form">
                <input type="hidden" name="intent" value="order" />
                <input type="hidden" name="organisationId" value={participant.organisationId} />
                <p>
                  {participant.name} : {participant.order || "commande à confirmer"}
                </p>
                <button type="submit" name="decision" value="confirmed" className="button">
                  Confirmer la commande du {participant.name}
                </button>{" "}
                <button type="submit" name="decision" value="declined" className="button button--secondary">
                  Décliner
                </button>
              </Form>
            ))}
          <p>
            Répartition des coûts : <a href={`/reseaux/${data.slug}/achats/${purchase.id}/repartition/csv`}>télécharger en CSV</a> ·{" "}
            <a href={`/reseaux/${data.slug}/achats/${purchase.id}/repartition/xlsx`}>télécharger en XLSX</a>
          </p>
        </section>
      ) : null}

      <h2>Historique des étapes</h2>
      <ol>
        {data.history.map((change) => (
          <li key={`${change.at}-${change.label}`}>
            {change.at} — {change.label} ({change.by})
          </li>
        ))}
      </ol>
    </>
  );
}
