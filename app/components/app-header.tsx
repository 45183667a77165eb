import { Form, Link } from "@remix-run/react";
import { SearchBox } from "./search-box.tsx";

/** The top bar: brand, on a network's pages its search box, and for a signed-in user notifications, profile and sign-out. */
export function AppHeader({
  userName,
  networkName,
  networkSlug,
  unreadNotifications,
}: {
  userName?: string;
  networkName?: string;
  networkSlug?: string;
  unreadNotifications?: number;
}) {
  return (
    <header className="site-header" role="banner">
      <div className="site-header__inner">
        <Link className="brand" to="/">
          Tablée
          {networkName ? <small>{networkName}</small> : null}
        </Link>
        {networkSlug ? <SearchBox networkSlug={networkSlug} /> : null}
        {userName ? (
          <div className="user-menu">
            <Link to="/notifications">
              Notifications
              {unreadNotifications ? (
                <>
                  {" "}
                  <span className="badge">{unreadNotifications}</span>
                  <span className="visually-hidden"> non lues</span>
                </>
              ) : null}
            </Link>
            <Link to="/profil" aria-label={`Mon profil (${userName})`}>
              {userName}
            </Link>
            <Form method="post" action="/deconnexion">
              <button type="submit" className="link-button">
                Se déconnecter
              </button>
            </Form>
          </div>
        ) : null}
      </div>
    </header>
  );
}
