import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AppHeader } from "../components/app-header.tsx";
import { SiteFooter } from "../components/site-footer.tsx";
import { requireActor } from "../features/auth/guards.server.ts";
import { findUserById } from "../features/auth/users.server.ts";
import { listNotifications, markNotificationsRead } from "../features/knowledge/notifications.server.ts";
import { formatDateTime } from "../i18n/format.ts";

export const meta: MetaFunction = () => [{ title: "Notifications — Tablée" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(context, request);
  const user = await findUserById(context.db, actor.userId);
  const notifications = await listNotifications(context.db, actor);
  return {
    userName: user?.name ?? "",
    unread: notifications.filter((notification) => !notification.readAt).length,
    notifications: notifications.map((notification) => ({
      id: notification.id,
      unread: !notification.readAt,
      what:
        notification.kind === "mention"
          ? `${notification.actorName ?? "Un membre"} vous a mentionné`
          : `${notification.actorName ?? "Un membre"} a répondu à votre commentaire`,
      documentTitle: notification.documentTitle,
      path: `/reseaux/${notification.networkSlug}/${notification.documentKind === "wiki" ? "veille" : "fiches"}/${notification.documentId}#commentaires`,
      excerpt: (notification.commentBody ?? "").slice(0, 200),
      when: formatDateTime(notification.createdAt),
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(context, request);
  await markNotificationsRead(context.db, actor.userId);
  return { ok: true };
}

export default function Notifications() {
  const { userName, unread, notifications } = useLoaderData<typeof loader>();
  return (
    <>
      <AppHeader userName={userName} unreadNotifications={unread} />
      <main id="contenu" className="page page--narrow" tabIndex={-1}>
        <h1>Notifications</h1>
        <p>
          Les mentions et les réponses à vos commentaires. <Link to="/profil">Les recevoir aussi par e-mail</Link>
        </p>
        {unread > 0 ? (
          <Form method="post">
            <button type="submit" className="button button--secondary">
              Tout marquer comme lu
            </button>
          </Form>
        ) : null}
        {notifications.length === 0 ? (
          <div className="empty-state">
            <h2>Aucune notification</h2>
            <p>Quand quelqu'un vous mentionne dans un commentaire (@Prénom Nom), vous le verrez ici.</p>
          </div>
        ) : (
          <ul className="search-results" aria-label="Notifications">
            {notifications.map((notification) => (
              <li key={notification.id}>
                <span>
                  {notification.unread ? <span className="badge">nouveau</span> : null} {notification.what} sur{" "}
                  <Link to={notification.path}>{notification.documentTitle}</Link>
                  <br />
                  <span className="muted">« {notification.excerpt} »</span>
                </span>
                <span className="muted">{notification.when}</span>
              </li>
            ))}
          </ul>
        )}
      </main>
      <SiteFooter />
    </>
  );
}
