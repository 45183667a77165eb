import type { AppLoadContext } from "@remix-run/node";
import { can, type Actor } from "../auth/permissions.ts";
import { rateRules } from "../auth/rate-limit.server.ts";
import type { ActorNetwork } from "../auth/actor.server.ts";
import { authenticateApiCall } from "./tokens.server.ts";

/**
 * The JSON API's HTTP conventions: authentication by personal token only (never by the session cookie, which is
 * what lets Bearer requests skip the same-origin check: docs/decisions/007-search-and-api.md), and errors as
 * `{ "error": { "code", "message" } }` with a French message and the matching status.
 */

export type ApiErrorCode =
  | "bad_request"
  | "invalid_parameter"
  | "network_required"
  | "unauthenticated"
  | "invalid_token"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "validation_failed"
  | "rate_limited"
  | "internal_error";

export function apiError(status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}, details?: unknown): Response {
  return Response.json({ error: { code, message, ...(details ? { details } : {}) } }, { status, headers });
}

const defaultErrors: Record<number, [ApiErrorCode, string]> = {
  400: ["bad_request", "Requête invalide."],
  401: ["unauthenticated", "Authentification requise : envoyez l'en-tête Authorization: Bearer <jeton>."],
  403: ["forbidden", "Votre compte n'a pas le droit de faire cette action."],
  404: ["not_found", "Cette ressource n'existe pas ou ne vous est pas accessible."],
  405: ["method_not_allowed", "Méthode non prise en charge par cette adresse."],
  413: ["payload_too_large", "Le contenu envoyé est trop volumineux."],
  415: ["unsupported_media_type", "Envoyez du JSON (Content-Type: application/json)."],
  422: ["validation_failed", "Le contenu envoyé n'est pas valide."],
  429: ["rate_limited", "Trop de requêtes : réessayez dans quelques instants."],
};

/** Runs an API handler: every refusal becomes a JSON error, and no stack trace ever leaves the server. */
export async function handleApi(work: () => Promise<Response>, log: (line: string) => void = console.error): Promise<Response> {
  try {
    return await work();
  } catch (thrown) {
    if (thrown instanceof Response) {
      if (thrown.headers.get("content-type")?.includes("application/json")) return thrown;
      const [code, message] = defaultErrors[thrown.status] ?? ["bad_request", "Requête invalide."];
      return apiError(thrown.status, code, message);
    }
    log(`Erreur de l'API : ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`);
    return apiError(500, "internal_error", "Erreur interne : réessayez plus tard. Si elle persiste, prévenez l'équipe de Tablée.");
  }
}

export interface ApiCaller {
  actor: Actor;
  tokenId: string;
  /** The networks the caller is a member of, read with the token. */
  networks: ActorNetwork[];
}

/** The token's user with their own permissions, or a 401; 429 beyond the per-token budget. */
export async function requireApiCaller(context: AppLoadContext, request: Request): Promise<ApiCaller> {
  const header = request.headers.get("authorization");
  if (!header) throw apiError(401, "unauthenticated", defaultErrors[401]![1], { "WWW-Authenticate": 'Bearer realm="tablee"' });
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const authenticated = match ? await authenticateApiCall(context.db, match[1]!, rateRules.apiPerToken) : null;
  if (!authenticated) {
    throw apiError(401, "invalid_token", "Jeton d'API inconnu, révoqué ou mal formé.", {
      "WWW-Authenticate": 'Bearer realm="tablee", error="invalid_token"',
    });
  }
  if (!authenticated.rate.allowed) {
    throw apiError(429, "rate_limited", `Trop de requêtes avec ce jeton : réessayez dans ${authenticated.rate.retryAfterSeconds} secondes.`, {
      "Retry-After": String(authenticated.rate.retryAfterSeconds),
    });
  }
  const actor: Actor = { userId: authenticated.userId, memberships: authenticated.memberships };
  return { actor, tokenId: authenticated.tokenId, networks: authenticated.networks };
}

/**
 * The network a request is about: `?network=<slug>`, or the caller's only network, from the networks read with the
 * token (no look-up). A network the caller is not a member of answers 404, exactly like one that does not exist.
 */
export function resolveNetwork(caller: ApiCaller, slug: string | null): ActorNetwork {
  const viewable = caller.networks.filter((network) => can(caller.actor, { action: "network.view", networkId: network.id }));
  if (slug) {
    const network = viewable.find((candidate) => candidate.slug === slug);
    if (!network) throw apiError(404, "not_found", defaultErrors[404]![1]);
    return network;
  }
  if (viewable.length !== 1) {
    throw apiError(
      400,
      "network_required",
      viewable.length === 0
        ? "Votre compte n'est membre d'aucun réseau."
        : `Vous êtes membre de plusieurs réseaux : précisez-en un avec le paramètre network (${viewable.map((n) => n.slug).join(", ")}).`,
    );
  }
  return viewable[0]!;
}

// Above the 2,000,000 characters a text may hold (knowledge/schemas.ts), so that limit answers 422 with its own message.
export const MAX_JSON_BYTES = 8 * 1024 * 1024;

/** A JSON body: 415 unless declared as JSON, 413 beyond MAX_JSON_BYTES, 400 when it does not parse. */
export async function readJsonBody(request: Request): Promise<unknown> {
  if (!request.headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
    throw apiError(415, "unsupported_media_type", defaultErrors[415]![1]);
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_BYTES) throw apiError(413, "payload_too_large", `Le contenu dépasse ${MAX_JSON_BYTES / 1024 / 1024} Mo.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) throw apiError(413, "payload_too_large", `Le contenu dépasse ${MAX_JSON_BYTES / 1024 / 1024} Mo.`);
  try {
    return JSON.parse(text);
  } catch {
    throw apiError(400, "bad_request", "Le corps de la requête n'est pas du JSON valide.");
  }
}
