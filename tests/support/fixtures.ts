import { sql } from "kysely";
import type { Executor } from "../../db/client.ts";
import { demoAccounts, PAYS_HAUT, VAL_PARISIS, type DemoAccount } from "../../db/seed/demo.ts";
import { HttpClient, type HttpResponse } from "./http-client.ts";

/** Helpers shared by the unit and integration tests (demo data look-ups, HTML reading). */

export function demoEmail(network: DemoAccount["network"], role: DemoAccount["role"], inseeCode?: string): string {
  const account = demoAccounts.find(
    (candidate) => candidate.network === network && candidate.role === role && (!inseeCode || candidate.inseeCode === inseeCode),
  );
  if (!account) throw new Error(`Pas de compte de démonstration ${network}/${role}/${inseeCode ?? "*"}`);
  return account.email;
}

export const ERMONT = "95219";
export const FRANCONVILLE = "95252";
export const TAVERNY = "95607";
export const VILLERUPT = "54580";
export const THIL = "54521";

export interface DemoNetwork {
  id: string;
  slug: string;
  name: string;
  /** INSEE code → organisation */
  organisations: Map<string, { id: string; name: string; communeName: string }>;
}

async function loadNetwork(db: Executor, name: string): Promise<DemoNetwork> {
  const network = await db.selectFrom("networks").select(["id", "slug", "name"]).where("name", "=", name).executeTakeFirstOrThrow();
  const organisations = await db
    .selectFrom("organisations")
    .select(["id", "name", "communeName", "inseeCode"])
    .where("networkId", "=", network.id)
    .execute();
  return { ...network, organisations: new Map(organisations.map((o) => [o.inseeCode, o])) };
}

export async function loadDemoNetworks(db: Executor): Promise<{ valParisis: DemoNetwork; paysHaut: DemoNetwork }> {
  return { valParisis: await loadNetwork(db, VAL_PARISIS.name), paysHaut: await loadNetwork(db, PAYS_HAUT.name) };
}

export function orgId(network: DemoNetwork, inseeCode: string): string {
  const organisation = network.organisations.get(inseeCode);
  if (!organisation) throw new Error(`Pas de CCAS ${inseeCode} dans ${network.slug}`);
  return organisation.id;
}

export async function userIdOf(db: Executor, email: string): Promise<string> {
  return (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

export async function sessionCount(db: Executor, email: string): Promise<number> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.userId")
    .where("users.email", "=", email)
    .select(sql<number>`count(*)::int`.as("n"))
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function auditRows(db: Executor, action: string) {
  return db.selectFrom("auditEvents").selectAll().where("action", "=", action).orderBy("id").execute();
}

/** Undoes React's HTML escaping so that assertions can use the plain French text. */
export function decodeHtml(html: string): string {
  return html
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;|&#160;/g, "\u00a0")
    .replace(/&amp;/g, "&");
}

/** The visible text of a page: tags, scripts and styles removed, entities decoded. */
export function visibleText(html: string): string {
  return decodeHtml(
    html
      .replace(/<script[\s\S]*?<\/script>/gi, " ")
      .replace(/<style[\s\S]*?<\/style>/gi, " ")
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/<[^>]+>/g, " "),
  )
    .replace(/\s+/g, " ")
    .replace(/ ([,.)])/g, "$1")
    .trim();
}

/** The error shown next to the input named `name` (conform's `<id>-<name>-error`), or "" when there is none. */
export function fieldError(html: string, name: string): string {
  const match = html.match(new RegExp(`<p class="field-error" id="[^"]*-${name}-error"( hidden="")?>([\\s\\S]*?)</p>`));
  if (!match) throw new Error(`Pas d'emplacement d'erreur pour le champ ${name}`);
  return match[1] ? "" : decodeHtml(match[2]!);
}

/** The value an input named `name` is rendered with, or null when it has none. */
export function inputValue(html: string, name: string): string | null {
  const input = html.match(new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`));
  if (!input) throw new Error(`Pas de champ ${name}`);
  const value = input[0].match(/\bvalue="([^"]*)"/);
  return value ? decodeHtml(value[1]!) : null;
}

/** An HttpClient that adds fixed headers (X-Forwarded-For, X-Forwarded-Proto…) to every request. */
export class HeaderClient extends HttpClient {
  constructor(
    baseUrl: string,
    readonly extraHeaders: Record<string, string>,
  ) {
    super(baseUrl);
  }

  override request(path: string, init: RequestInit & { origin?: string | null } = {}): Promise<HttpResponse> {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(this.extraHeaders)) if (!headers.has(name)) headers.set(name, value);
    return super.request(path, { ...init, headers });
  }
}

/**
 * Fixed-window rate limits restart at each window boundary: wait until a test
 * that needs `seconds` of one window cannot straddle two.
 */
export async function awayFromWindowEdge(windowSeconds: number, seconds = 20): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < seconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

