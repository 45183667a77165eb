import { expect } from "vitest";
import { demoEmail, ERMONT, FRANCONVILLE, TAVERNY } from "./fixtures.ts";
import { signedInClients, type HttpClient, type HttpResponse } from "./http-client.ts";

/** The demo members the knowledge tests act as, and their requests to the app's watch wiki and practice notes. */

export const COORDINATOR = () => demoEmail("val-parisis", "coordinator");
export const ERMONT_STAFF = () => demoEmail("val-parisis", "staff", ERMONT);
export const ERMONT_ELECTED = () => demoEmail("val-parisis", "elected", ERMONT);
export const ERMONT_DIRECTOR = () => demoEmail("val-parisis", "director", ERMONT);
export const FRANCONVILLE_STAFF = () => demoEmail("val-parisis", "staff", FRANCONVILLE);
export const FRANCONVILLE_DIRECTOR = () => demoEmail("val-parisis", "director", FRANCONVILLE);
export const TAVERNY_STAFF = () => demoEmail("val-parisis", "staff", TAVERNY);
/** The Pays-Haut network's coordinator and a director there: outsiders to Val Parisis. */
export const OUTSIDER = () => demoEmail("pays-haut", "coordinator");
export const OUTSIDER_DIRECTOR = () => demoEmail("pays-haut", "director");

/** Requests by e-mail (each member signed in once), and a watch page created as a member does, from the wiki's form. */
export function knowledgeRequests(baseUrl: () => string) {
  const as: (email: string) => Promise<HttpClient> = signedInClients(baseUrl);
  const post = async (email: string, path: string, fields: Record<string, string>): Promise<HttpResponse> => (await as(email)).post(path, fields);
  const get = async (email: string, path: string): Promise<HttpResponse> => (await as(email)).get(path);
  /** `wikiPath`: the network's /veille; the page's id is returned. */
  const createPage = async (email: string, wikiPath: string, title: string, extra: Record<string, string> = {}): Promise<string> => {
    const response = await post(email, `${wikiPath}?index`, { intent: "page", title, ...extra });
    expect(response.status).toBe(302);
    return response.location!.split("/").pop()!;
  };
  return { as, post, get, createPage };
}
