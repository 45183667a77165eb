import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { AppHeader } from "../components/app-header.tsx";
import { SiteFooter } from "../components/site-footer.tsx";
import { isCoordinatorOf } from "../features/auth/permissions.ts";
import { findUserById } from "../features/auth/users.server.ts";
import { unreadNotificationCount } from "../features/knowledge/notifications.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network, actor } = await requireNetworkMember(context, request, params.slug);
  const user = await findUserById(context.db, actor.userId);
  const inNetwork = actor.memberships.filter((membership) => membership.networkId === network.id);
  return {
    network: { slug: network.slug, name: network.name },
    userName: user?.name ?? "",
    unreadNotifications: await unreadNotificationCount(context.db, actor.userId),
    isCoordinator: isCoordinatorOf(actor, network.id),
    canInvite: inNetwork.some((membership) => membership.role === "coordinator" || membership.role === "director"),
  };
}

export default function NetworkLayout() {
  const { network, userName, isCoordinator, canInvite, unreadNotifications } = useLoaderData<typeof loader>();
  const base = `/reseaux/${network.slug}`;
  const items: Array<[string, string]> = [
    [base, "Accueil"],
    [`${base}/tables-rondes`, "Tables rondes"],
    [`${base}/veille`, "Veille réglementaire"],
    [`${base}/fiches`, "Fiches pratiques"],
    [`${base}/achats`, "Achats groupés"],
    [`${base}/notes`, "Notes partagées"],
    [`${base}/annuaire`, "Annuaire"],
    [`${base}/recherche`, "Recherche"],
  ];
  if (canInvite) items.push([`${base}/membres`, "Membres"]);
  if (isCoordinator) items.push([`${base}/journal`, "Journal"]);
  return (
    <>
      <AppHeader userName={userName} networkName={network.name} networkSlug={network.slug} unreadNotifications={unreadNotifications} />
      <nav className="main-nav" aria-label="Navigation principale">
        <ul>
          {items.map(([to, label]) => (
            <li key={to}>
              <NavLink to={to} end={to === base}>
                {label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="contenu" className="page" tabIndex={-1}>
        <Outlet />
      </main>
      <SiteFooter />
    </>
  );
}
