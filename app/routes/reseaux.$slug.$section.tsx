import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useParams } from "@remix-run/react";
import { EmptySection } from "../components/empty-section.tsx";
import { notFound } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";

/**
 * Sections announced in the navigation whose features come in later issues.
 * Each gets a route of its own when built; remove its entry here then.
 */
const upcomingSections: Record<string, { title: string; lead: string; meanwhile: string }> = {
  achats: {
    title: "Achats groupés",
    lead: "Les achats groupés du réseau seront suivis ici : recensement des besoins, offres des prestataires, répartition des coûts. Chaque CCAS doit présenter son analyse des besoins sociaux (ABS) en 2027.",
    meanwhile: "Aucun achat groupé n'est en cours dans ce réseau.",
  },
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Page introuvable"} — Tablée` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireNetworkMember(context, request, params.slug);
  const section = upcomingSections[params.section ?? ""];
  if (!section) throw notFound();
  return section;
}

export default function UpcomingSection() {
  const section = useLoaderData<typeof loader>();
  const { slug } = useParams();
  return (
    <EmptySection title={section.title} lead={section.lead}>
      <p>{section.meanwhile}</p>
      <p>
        <Link to={`/reseaux/${slug}/annuaire`}>Consulter l'annuaire des CCAS du réseau</Link>
      </p>
    </EmptySection>
  );
}
