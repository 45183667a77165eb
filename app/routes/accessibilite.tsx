import type { MetaFunction } from "@remix-run/node";
import { AppHeader } from "../components/app-header.tsx";
import { SiteFooter } from "../components/site-footer.tsx";

export const meta: MetaFunction = () => [{ title: "Déclaration d'accessibilité — Tablée" }];

export default function AccessibilityStatement() {
  return (
    <>
      <AppHeader />
      <main id="contenu" className="page" tabIndex={-1}>
        <h1>Déclaration d'accessibilité</h1>
        <p>
          Les organismes qui utilisent Tablée s'engagent à rendre leurs services numériques accessibles, conformément à
          l'article 47 de la loi n° 2005-102 du 11 février 2005.
        </p>
        <h2>État de conformité</h2>
        <p>
          Tablée vise la conformité au référentiel général d'amélioration de l'accessibilité (RGAA 4.1, niveau AA des WCAG
          2.1). Chaque page est vérifiée automatiquement avec axe-core à chaque modification du logiciel ; aucun audit
          complet par un organisme indépendant n'a encore été mené : le site est donc déclaré <strong>partiellement conforme</strong>.
        </p>
        <h2>Retour d'information et contact</h2>
        <p>
          Si vous ne parvenez pas à accéder à un contenu ou à un service, contactez la coordination de votre réseau
          inter-CCAS pour être orienté·e vers une alternative accessible.
        </p>
        <h2>Voies de recours</h2>
        <p>
          Si vous constatez un défaut d'accessibilité qui vous empêche d'accéder à un contenu, que vous l'avez signalé et
          n'avez pas obtenu de réponse satisfaisante, vous pouvez saisir le Défenseur des droits.
        </p>
      </main>
      <SiteFooter />
    </>
  );
}
