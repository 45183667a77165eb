import { notFound } from "../features/auth/guards.server.ts";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An identifier from the URL; anything that is not one is a page that does not exist. */
export function uuidParam(value: string | undefined): string {
  if (!value || !uuid.test(value)) throw notFound();
  return value;
}
