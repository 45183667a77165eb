import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { loadActor } from "./actor.server.ts";
import { can, type Actor, type Permission } from "./permissions.ts";

/** The HTTP answers of a refused request, in French, without detail. */
export function forbidden(message = "Vous n'avez pas accès à cette page."): Response {
  return new Response(message, { status: 403, statusText: "Forbidden" });
}

export function notFound(message = "Cette page n'existe pas ou n'est pas accessible."): Response {
  return new Response(message, { status: 404, statusText: "Not Found" });
}

/** Throws unless `permission` is granted: the single door every feature goes through. */
export function authorize(actor: Actor | null, permission: Permission): asserts actor is Actor {
  if (!can(actor, permission)) throw forbidden();
}

export function signInUrl(request: Request): string {
  const url = new URL(request.url);
  const target = `${url.pathname}${url.search}`;
  return target === "/" ? "/connexion" : `/connexion?redirectTo=${encodeURIComponent(target)}`;
}

// Remix runs a page's loaders side by side with one load context per request: they share the actor.
// Only for reads: an action may change what the loaders that follow it must see.
const actorsOfReads = new WeakMap<AppLoadContext, Promise<Actor>>();

/** The signed-in user's actor, or a redirect to the sign-in page that brings them back. */
export async function requireActor(context: AppLoadContext, request: Request): Promise<Actor> {
  if (!context.session) throw redirect(signInUrl(request));
  if (request.method !== "GET") return loadActor(context.db, context.session.userId);
  let actor = actorsOfReads.get(context);
  if (!actor) {
    actor = loadActor(context.db, context.session.userId);
    actorsOfReads.set(context, actor);
  }
  return actor;
}

export function requireSession(context: AppLoadContext, request: Request) {
  if (!context.session) throw redirect(signInUrl(request));
  return context.session;
}

/** Only local paths, so that a crafted link cannot send a user to another site after sign-in. */
export function safeRedirectPath(target: unknown, fallback = "/"): string {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) {
    return fallback;
  }
  return target;
}

/** API routes answer an anonymous caller with 401 JSON, not a redirect to a page. */
export function requireApiSession(context: AppLoadContext) {
  if (!context.session) throw Response.json({ error: "Connexion requise." }, { status: 401 });
  return context.session;
}
