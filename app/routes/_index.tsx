import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AppHeader } from "../components/app-header.tsx";
import { SiteFooter } from "../components/site-footer.tsx";
import { requireSession } from "../features/auth/guards.server.ts";
import { findUserById } from "../features/auth/users.server.ts";
import { listNetworksOfUser } from "../features/network/networks.server.ts";

export const meta: MetaFunction = () => [{ title: "Mes réseaux — Tablée" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = requireSession(context, request);
  const networks = await listNetworksOfUser(context.db, session.userId);
  if (networks.length === 1) throw redirect(`/reseaux/${networks[0]!.slug}`);
  const user = await findUserById(context.db, session.userId);
  return { networks, userName: user?.name ?? "" };
}

export default function Home() {
  const { networks, userName } = useLoaderData<typeof loader>();
  return (
    <>
      <AppHeader userName={userName} />
      <main id="contenu" className="page" tabIndex={-1}>
        <h1>Mes réseaux</h1>
        {networks.length === 0 ? (
          <div className="empty-state">
            <h2>Vous ne faites partie d'aucun réseau pour l'instant</h2>
            <p>
              Pour rejoindre un réseau inter-CCAS, demandez à sa coordination ou à la direction de votre CCAS de vous
              envoyer une invitation.
            </p>
          </div>
        ) : (
          <ul className="grid" aria-label="Réseaux">
            {networks.map((network) => (
              <li key={network.id} className="card">
                <h2>
                  <Link to={`/reseaux/${network.slug}`}>{network.name}</Link>
                </h2>
                <p className="muted">{network.memberCount} CCAS membres</p>
              </li>
            ))}
          </ul>
        )}
      </main>
      <SiteFooter />
    </>
  );
}
