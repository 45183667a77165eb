import type { MetaFunction } from "@remix-run/node";
import { AppHeader } from "../components/app-header.tsx";
import { SiteFooter } from "../components/site-footer.tsx";

export const meta: MetaFunction = () => [{ title: "Déclaration d'accessibilité — Tablée" }];

/** Pages checked by the browser tests (tests/e2e), in the order of the RGAA sample. */
const checkedPages = [
  "Connexion, mot de passe oublié, réinitialisation, invitation",
  "Accueil du réseau",
  "Annuaire des CCAS, fiche d'un CCAS, ajout et modification d'un CCAS",
  "Membres et invitations, journal d'activité",
  "Tables rondes : liste, rotation, page d'une table ronde (ordre du jour, inscriptions, suivi des actions), compte rendu, convocation à imprimer",
  "Notes partagées : liste, éditeur collaboratif, historique des versions",
  "Profil et abonnement calendrier",
  "Pages d'erreur (403, 404, 500) et cette déclaration",
];

export default function AccessibilityStatement() {
  return (
    <>
      <AppHeader />
      <main id="contenu" className="page page--narrow" tabIndex={-1}>
        <h1>Déclaration d'accessibilité</h1>
        <p>
          Chaque CCAS, CIAS ou réseau qui utilise Tablée s'engage à rendre ses services numériques accessibles, conformément à l'article 47 de
          la loi n° 2005-102 du 11 février 2005. Cette déclaration d'accessibilité s'applique au logiciel Tablée, dans sa version publiée avec
          cette page.
        </p>

        <h2>État de conformité</h2>
        <p>
          Tablée est <strong>partiellement conforme</strong> avec le référentiel général d'amélioration de l'accessibilité (RGAA), version
          4.1, en raison des non-conformités et des vérifications manquantes énumérées ci-dessous.
        </p>

        <h2>Résultats des tests</h2>
        <p>
          Aucun audit complet selon la méthode du RGAA n'a encore été réalisé par un organisme indépendant : le taux de conformité aux 106
          critères n'est donc pas établi. Les vérifications faites à chaque modification du logiciel sont les suivantes :
        </p>
        <ul>
          <li>
            contrôle automatique de chaque page visitée par les tests de navigateur avec axe-core (règles WCAG 2.1 niveaux A et AA) : aucune
            erreur n'est tolérée, un test qui en trouve une bloque la publication ;
          </li>
          <li>parcours au clavier seul : connexion, ordre du jour (réordonner un point avec les boutons Monter et Descendre), formulaires ;</li>
          <li>affichage sur un écran de 360 pixels de large sans défilement horizontal ;</li>
          <li>messages d'erreur en français placés à côté du champ concerné et annoncés aux technologies d'assistance ;</li>
          <li>retour du focus en haut de la page et annonce du titre après chaque navigation.</li>
        </ul>

        <h2>Contenus non accessibles</h2>
        <h3>Non-conformités et points non vérifiés</h3>
        <ul>
          <li>
            L'éditeur collaboratif (comptes rendus, notes) affiche la position des autres personnes par des curseurs colorés : leur présence est
            aussi donnée en texte (liste « Présents »), mais leur position dans le texte n'est pas restituée aux lecteurs d'écran.
          </li>
          <li>
            Le glisser-déposer des points de l'ordre du jour n'est pas utilisable sans souris ; les boutons Monter et Descendre offrent la même
            fonction au clavier et aux technologies d'assistance.
          </li>
          <li>Les restitutions avec NVDA, JAWS et VoiceOver n'ont pas encore été vérifiées par des tests manuels.</li>
        </ul>
        <h3>Contenus non soumis à l'obligation d'accessibilité</h3>
        <ul>
          <li>Les documents déposés par les membres (PDF, documents bureautiques, images) relèvent de leurs auteurs.</li>
        </ul>

        <h2>Établissement de cette déclaration d'accessibilité</h2>
        <p>Cette déclaration a été établie le 23 novembre 2026.</p>
        <h3>Technologies utilisées pour la réalisation de Tablée</h3>
        <ul>
          <li>HTML5, CSS, JavaScript (React, Remix) ; les pages fonctionnent aussi avant le chargement du JavaScript</li>
          <li>WAI-ARIA pour les messages d'état, les boîtes de confirmation et l'éditeur</li>
        </ul>
        <h3>Environnement de test</h3>
        <ul>
          <li>Chromium (Debian) sans interface, piloté par Playwright, en français, fuseau Europe/Paris</li>
          <li>écran de bureau (1280 × 900) et écran de téléphone (360 × 780, tactile)</li>
        </ul>
        <h3>Outils pour évaluer l'accessibilité</h3>
        <ul>
          <li>axe-core (Deque Systems), règles wcag2a, wcag2aa, wcag21a et wcag21aa</li>
          <li>tests de navigateur automatisés du dépôt de Tablée (dossier tests/e2e)</li>
        </ul>
        <h3>Pages du site ayant fait l'objet de la vérification de conformité</h3>
        <ol>
          {checkedPages.map((page) => (
            <li key={page}>{page}</li>
          ))}
        </ol>

        <h2>Retour d'information et contact</h2>
        <p>
          Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez la coordination de votre réseau inter-CCAS (le nom et
          l'adresse figurent sur la page d'accueil du réseau) : elle vous orientera vers une alternative accessible ou vous transmettra le
          contenu sous une autre forme.
        </p>

        <h2>Voies de recours</h2>
        <p>
          Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou à une fonctionnalité, que vous nous l'avez
          signalé et que vous n'avez pas obtenu de réponse satisfaisante, vous êtes en droit de faire parvenir vos doléances ou une demande
          de saisine au Défenseur des droits. Plusieurs moyens sont à votre disposition :
        </p>
        <ul>
          <li>écrire un message au Défenseur des droits (formulaire sur defenseurdesdroits.fr) ;</li>
          <li>contacter le délégué du Défenseur des droits dans votre région ;</li>
          <li>
            envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX
            07.
          </li>
        </ul>
      </main>
      <SiteFooter />
    </>
  );
}
