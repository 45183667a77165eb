import { notFound } from "../features/auth/guards.server.ts";

export async function loader() {
  throw notFound();
}

export async function action() {
  throw notFound();
}

export default function NotFound() {
  return null;
}
