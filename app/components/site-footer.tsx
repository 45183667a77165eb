import { Link } from "@remix-run/react";

export function SiteFooter() {
  return (
    <footer className="site-footer" role="contentinfo">
      <Link to="/accessibilite">Accessibilité : partiellement conforme</Link>
    </footer>
  );
}
