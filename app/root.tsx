import type { LinksFunction, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { useNonce } from "./components/nonce.tsx";
import { RouteAnnouncer } from "./components/route-announcer.tsx";
import { DATABASE_UNAVAILABLE_MESSAGE } from "../db/unavailable.ts";
import styles from "./styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = ({ error }) => [{ title: error ? "Erreur — Tablée" : "Tablée" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="fr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <RouteAnnouncer />
        <a className="skip-link" href="#contenu">
          Aller au contenu
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

const errorTexts: Record<number, { title: string; text: string }> = {
  400: { title: "Requête invalide", text: "Ce qui a été envoyé n'a pas pu être lu. Rechargez la page et réessayez." },
  403: { title: "Accès refusé", text: "Vous n'avez pas les droits nécessaires pour voir cette page." },
  404: { title: "Page introuvable", text: "Cette page n'existe pas, a été déplacée, ou ne vous est pas accessible." },
  429: { title: "Trop de demandes", text: "Patientez quelques minutes avant de réessayer." },
  503: { title: "Service momentanément indisponible", text: DATABASE_UNAVAILABLE_MESSAGE },
};

/** The French error page: never a stack trace, whatever went wrong. */
export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const { title, text } = errorTexts[status] ?? {
    title: "Une erreur est survenue",
    text: "Tablée n'a pas pu afficher cette page. Réessayez dans un instant ; si le problème continue, prévenez la coordination du réseau.",
  };
  return (
    <>
      <header className="site-header" role="banner">
        <div className="site-header__inner">
          <a className="brand" href="/">
            Tablée
          </a>
        </div>
      </header>
      <main id="contenu" className="page page--narrow" tabIndex={-1}>
        <p className="error-code">Erreur {status}</p>
        <h1>{title}</h1>
        <p>{text}</p>
        <p>
          <a href="/">Revenir à l'accueil</a>
        </p>
      </main>
    </>
  );
}
