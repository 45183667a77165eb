import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import type { Network } from "../../../db/schema.ts";
import {
  createPracticeNote,
  createWatchPage,
  KnowledgeInputError,
  updatePracticeNote,
  updateWatchPage,
} from "../knowledge/knowledge.server.ts";
import { getKnowledge, listKnowledge, type KnowledgeDetail, type KnowledgeKind, type KnowledgeSummary } from "../knowledge/read.server.ts";
import { searchResultPath } from "../search/kinds.ts";
import { apiError, handleApi, readJsonBody, requireApiCaller, resolveNetwork, type ApiCaller } from "./http.server.ts";

/**
 * /api/v1/pages (watch pages) and /api/v1/notes (practice notes): list, read, create, update.
 * Writing goes through the knowledge feature's own functions, which validate and check permissions.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function summaryJson(summary: KnowledgeSummary, network: Pick<Network, "slug">, baseUrl: string) {
  return {
    id: summary.id,
    kind: summary.kind,
    title: summary.title,
    url: `${baseUrl}${searchResultPath(network.slug, {
      kind: summary.kind,
      documentId: summary.id,
      meetingId: null,
      agendaItemId: null,
    })}`,
    organisation: summary.ownerOrganisationId ? { id: summary.ownerOrganisationId, name: summary.organisationName } : null,
    visibility: summary.visibility,
    sectionId: summary.sectionId,
    owner: summary.ownerUserId ? { id: summary.ownerUserId, name: summary.ownerName } : null,
    reviewOn: summary.reviewOn,
    themes: summary.themes,
    readCount: summary.readCount,
    updatedAt: summary.updatedAt.toISOString(),
  };
}

function detailJson(detail: KnowledgeDetail, network: Pick<Network, "slug">, baseUrl: string) {
  return {
    ...summaryJson(detail, network, baseUrl),
    network: network.slug,
    sectionTitle: detail.sectionTitle,
    themeIds: detail.themeIds,
    legalReferences: detail.legalReferences,
    details: detail.details,
    reviewDue: detail.reviewDue,
    canWrite: detail.canWrite,
    createdAt: detail.createdAt.toISOString(),
    html: detail.html,
    markdown: detail.markdown,
  };
}

/** `{ html }` or `{ markdown }` is shorthand for `{ content: { body, format } }`. */
function normaliseBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw apiError(400, "bad_request", "Le corps de la requête doit être un objet JSON.");
  const { html, markdown, network: _network, ...rest } = body as Record<string, unknown>;
  if (html !== undefined && markdown !== undefined)
    throw apiError(422, "validation_failed", "Envoyez le texte en html ou en markdown, pas les deux.");
  if (typeof html === "string") return { ...rest, content: { body: html, format: "html" } };
  if (typeof markdown === "string") return { ...rest, content: { body: markdown, format: "markdown" } };
  if (html !== undefined || markdown !== undefined)
    throw apiError(422, "validation_failed", "Le texte (html ou markdown) doit être une chaîne de caractères.");
  return rest;
}

function refusedInput(error: unknown): never {
  if (error instanceof KnowledgeInputError) {
    throw apiError(422, "validation_failed", error.message, {}, error.fieldErrors);
  }
  throw error;
}

async function readDocument(context: AppLoadContext, caller: ApiCaller, kind: KnowledgeKind, id: string | undefined) {
  if (!id || !UUID.test(id)) throw apiError(404, "not_found", "Cette ressource n'existe pas ou ne vous est pas accessible.");
  const detail = await getKnowledge(context.db, caller.actor, id, kind);
  // Reading it took a membership of its network, so the network is among those read with the token.
  const network = caller.networks.find((candidate) => candidate.id === detail.networkId);
  if (!network) throw apiError(404, "not_found", "Cette ressource n'existe pas ou ne vous est pas accessible.");
  return { detail, network };
}

export function collectionLoader(kind: KnowledgeKind, { request, context }: LoaderFunctionArgs) {
  return handleApi(async () => {
    const caller = await requireApiCaller(context, request);
    const network = resolveNetwork(caller, new URL(request.url).searchParams.get("network"));
    const items = await listKnowledge(context.db, caller.actor, network.id, kind);
    return Response.json({
      network: network.slug,
      items: items.map((item) => summaryJson(item, network, context.baseUrl)),
    });
  });
}

export function collectionAction(kind: KnowledgeKind, { request, context }: ActionFunctionArgs) {
  return handleApi(async () => {
    if (request.method !== "POST") throw apiError(405, "method_not_allowed", "Utilisez POST pour créer, PATCH sur /{id} pour modifier.");
    const caller = await requireApiCaller(context, request);
    const raw = await readJsonBody(request);
    const network = resolveNetwork(
      caller,
      raw && typeof raw === "object" && typeof (raw as { network?: unknown }).network === "string"
        ? (raw as { network: string }).network
        : null,
    );
    const input = normaliseBody(raw);
    const created = await (kind === "wiki"
      ? createWatchPage(context.db, caller.actor, {
          ...input,
          networkId: network.id,
        } as Parameters<typeof createWatchPage>[2])
      : createPracticeNote(context.db, caller.actor, {
          ...input,
          networkId: network.id,
          organisationId: practiceOrganisation(caller, network.id, input.organisationId),
        } as Parameters<typeof createPracticeNote>[2])
    ).catch(refusedInput);
    const { detail } = await readDocument(context, caller, kind, created.id);
    return Response.json(detailJson(detail, network, context.baseUrl), {
      status: 201,
      headers: {
        Location: `/api/v1/${kind === "wiki" ? "pages" : "notes"}/${created.id}`,
      },
    });
  });
}

/** A note is written for one of the caller's CCAS: the one named, or their only one in the network. */
function practiceOrganisation(caller: ApiCaller, networkId: string, requested: unknown): string {
  if (typeof requested === "string" && requested) return requested;
  const own = caller.actor.memberships.filter((membership) => membership.networkId === networkId);
  if (own.length === 1) return own[0]!.organisationId;
  throw apiError(
    422,
    "validation_failed",
    "Précisez organisationId : le CCAS au nom duquel la fiche est écrite.",
    {},
    {
      organisationId: ["Précisez le CCAS au nom duquel la fiche est écrite."],
    },
  );
}

export function itemLoader(kind: KnowledgeKind, { request, params, context }: LoaderFunctionArgs) {
  return handleApi(async () => {
    const caller = await requireApiCaller(context, request);
    const { detail, network } = await readDocument(context, caller, kind, params.id);
    return Response.json(detailJson(detail, network, context.baseUrl));
  });
}

export function itemAction(kind: KnowledgeKind, { request, params, context }: ActionFunctionArgs) {
  return handleApi(async () => {
    if (request.method !== "PATCH") throw apiError(405, "method_not_allowed", "Méthode non prise en charge : utilisez PATCH pour modifier une page ou une fiche.");
    const caller = await requireApiCaller(context, request);
    await readDocument(context, caller, kind, params.id);
    const input = normaliseBody(await readJsonBody(request));
    const update = kind === "wiki" ? updateWatchPage : updatePracticeNote;
    await update(context.db, context.realtime, caller.actor, params.id!, input).catch(refusedInput);
    const { detail, network } = await readDocument(context, caller, kind, params.id);
    return Response.json(detailJson(detail, network, context.baseUrl));
  });
}
