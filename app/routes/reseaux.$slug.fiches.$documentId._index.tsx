import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { KnowledgePage } from "../components/knowledge-page.tsx";
import { knowledgePageAction, knowledgePageLoader } from "../features/knowledge/page.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.document.title ?? "Fiche pratique"} — Tablée` }];

export const loader = (args: LoaderFunctionArgs) => knowledgePageLoader(args, "practice");
export const action = (args: ActionFunctionArgs) => knowledgePageAction(args, "practice");

export default function PracticeNote() {
  return <KnowledgePage />;
}
