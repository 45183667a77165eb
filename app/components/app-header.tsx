import { Form, Link } from "@remix-run/react";

/** The top bar: brand, and for a signed-in user their profile and sign-out. */
export function AppHeader({ userName, networkName, unreadNotifications }: { userName?: string; networkName?: string; unreadNotifications?: number }) {
  return (
    <header className="site-header" role="banner">
      <div className="site-header__inner">
        <Link className="brand" to="/">
          Tablée
          {networkName ? <small>{networkName}</small> : null}
        </Link>
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
