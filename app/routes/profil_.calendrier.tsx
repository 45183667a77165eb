import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AppHeader } from "../components/app-header.tsx";
import { SiteFooter } from "../components/site-footer.tsx";
import { notFound, requireSession } from "../features/auth/guards.server.ts";
import { findUserById } from "../features/auth/users.server.ts";
import {
  calendarFeedPath,
  createCalendarFeed,
  findCalendarFeed,
  revokeCalendarFeed,
} from "../features/roundtables/calendar-feed.server.ts";
import { formatDateTime } from "../i18n/format.ts";
import { readForm } from "../http/forms.server.ts";

export const meta: MetaFunction = () => [{ title: "Abonnement calendrier — Tablée" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = requireSession(context, request);
  const user = await findUserById(context.db, session.userId);
  if (!user) throw notFound();
  const feed = await findCalendarFeed(context.db, user.id);
  return {
    userName: user.name,
    feed: feed ? { createdAt: formatDateTime(feed.createdAt), lastUsedAt: feed.lastUsedAt ? formatDateTime(feed.lastUsedAt) : null } : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = requireSession(context, request);
  const form = await readForm(request);
  const intent = form.get("intent");
  const confirmed = form.get("confirm") === "oui";
  const hasFeed = Boolean(await findCalendarFeed(context.db, session.userId));
  if (intent === "create") {
    // Replacing a link breaks every calendar subscribed to it: ask first.
    if (hasFeed && !confirmed) return { kind: "confirm-replace" } as const;
    const token = await createCalendarFeed(context.db, session.userId);
    return { kind: "created", url: `${context.baseUrl}${calendarFeedPath(token)}` } as const;
  }
  if (intent === "revoke") {
    if (!confirmed) return { kind: "confirm-revoke" } as const;
    const revoked = await revokeCalendarFeed(context.db, session.userId);
    return { kind: "revoked", revoked } as const;
  }
  return { kind: "error", message: "Action inconnue : rechargez la page et réessayez." } as const;
}

export default function CalendarSubscription() {
  const { userName, feed } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const createdUrl = data?.kind === "created" ? data.url : null;
  return (
    <>
      <AppHeader userName={userName} />
      <main id="contenu" className="page page--narrow" tabIndex={-1}>
        <nav className="breadcrumb" aria-label="Fil d'Ariane">
          <ol>
            <li>
              <Link to="/profil">Mon profil</Link>
            </li>
            <li aria-current="page">Abonnement calendrier</li>
          </ol>
        </nav>
        <h1>Abonnement calendrier</h1>
        <p>
          Un lien privé ajoute à votre agenda (Outlook, Thunderbird, Google Agenda, l'agenda de votre téléphone) toutes les tables rondes
          de vos réseaux. Il se met à jour tout seul : nouvelles réunions, changements d'horaire ou de lieu, ordre du jour.
        </p>
        <p>
          Ce lien donne accès aux dates, lieux et ordres du jour sans mot de passe : ne le partagez pas. Vous pouvez le révoquer à tout
          moment.
        </p>

        {data?.kind === "error" ? (
          <p className="form-error" role="alert">
            {data.message}
          </p>
        ) : null}
        {data?.kind === "revoked" ? (
          <p className="notice" role="status">
            {data.revoked ? "Le lien est révoqué : les agendas abonnés ne recevront plus les tables rondes." : "Aucun lien n'était actif."}
          </p>
        ) : null}

        {createdUrl ? (
          <section className="notice" role="status" aria-labelledby="feed-created">
            <h2 id="feed-created">Votre lien d'abonnement</h2>
            <p>Copiez-le maintenant : il ne sera plus affiché. S'il est perdu, créez-en un nouveau.</p>
            <div className="field">
              <label htmlFor="feed-url">Adresse de l'abonnement</label>
              <input id="feed-url" name="feedUrl" type="text" readOnly value={createdUrl} onFocus={(event) => event.currentTarget.select()} />
            </div>
            <p>
              <a href={createdUrl.replace(/^https?:/, "webcal:")}>Ouvrir dans mon application d'agenda</a>
            </p>
          </section>
        ) : null}

        {data?.kind === "confirm-replace" || data?.kind === "confirm-revoke" ? (
          <div className="warning" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
            <h2 id="confirm-title">{data.kind === "confirm-revoke" ? "Révoquer le lien ?" : "Remplacer le lien ?"}</h2>
            <p id="confirm-text">
              Les agendas abonnés au lien actuel ne recevront plus les tables rondes.
              {data.kind === "confirm-replace" ? " Il faudra vous réabonner avec le nouveau lien." : ""}
            </p>
            <Form method="post" className="actions">
              <input type="hidden" name="intent" value={data.kind === "confirm-revoke" ? "revoke" : "create"} />
              <input type="hidden" name="confirm" value="oui" />
              <button type="submit" className="button button--danger">
                {data.kind === "confirm-revoke" ? "Confirmer la révocation" : "Créer un nouveau lien"}
              </button>
              <a href="?">Annuler</a>
            </Form>
          </div>
        ) : null}

        <h2>État</h2>
        {feed ? (
          <p>
            Un lien est actif depuis le {feed.createdAt}.{" "}
            {feed.lastUsedAt ? `Dernière consultation par un agenda : ${feed.lastUsedAt}.` : "Aucun agenda ne l'a encore consulté."}
          </p>
        ) : (
          <p>Aucun lien actif.</p>
        )}
        <div className="actions">
          <Form method="post">
            <input type="hidden" name="intent" value="create" />
            <button type="submit" className="button">
              {feed ? "Créer un nouveau lien" : "Créer mon lien d'abonnement"}
            </button>
          </Form>
          {feed ? (
            <Form method="post">
              <input type="hidden" name="intent" value="revoke" />
              <button type="submit" className="button button--secondary">
                Révoquer le lien
              </button>
            </Form>
          ) : null}
        </div>
      </main>
      <SiteFooter />
    </>
  );
}
