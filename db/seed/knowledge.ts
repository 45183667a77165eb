import { DateTime } from "luxon";
import type { Executor } from "../client.ts";
import { loadActor } from "../../app/features/auth/actor.server.ts";
import { createPracticeNote, createWatchPage } from "../../app/features/knowledge/knowledge.server.ts";
import { createSection } from "../../app/features/knowledge/sections.server.ts";

/**
 * Demo knowledge for Val Parisis: watch pages on psychiatric care without
 * consent (SDRE), the RSA under the full-employment law and domiciliation;
 * practice notes from Ermont and Taverny. The SDRE page is linked to the
 * past round table that discussed it.
 */
export async function seedDemoKnowledge(
  db: Executor,
  input: { networkId: string; organisation: (inseeCode: string) => string; user: (email: string) => string },
  now = new Date(),
): Promise<void> {
  const coordinator = await loadActor(db, input.user("coordination@valparisis.demo.tablee.fr"));
  const ermontStaff = await loadActor(db, input.user("agent@ccas-ermont.demo.tablee.fr"));
  const franconvilleStaff = await loadActor(db, input.user("agent@ccas-franconville.demo.tablee.fr"));
  const tavernyDirector = await loadActor(db, input.user("direction@ccas-taverny.demo.tablee.fr"));
  const inMonths = (months: number) => DateTime.fromJSDate(now, { zone: "Europe/Paris" }).plus({ months }).toISODate()!;

  const health = await createSection(db, coordinator, { networkId: input.networkId, title: "Santé mentale" });
  const insertion = await createSection(db, coordinator, { networkId: input.networkId, title: "Insertion et RSA" });
  const access = await createSection(db, coordinator, { networkId: input.networkId, title: "Accès aux droits" });

  const sdre = await createWatchPage(db, ermontStaff, {
    networkId: input.networkId,
    title: "Soins psychiatriques sur décision du représentant de l'État (SDRE) : le rôle du maire",
    sectionId: health.id,
    themes: ["Santé mentale", "Gouvernance"],
    reviewOn: inMonths(6),
    legalReferences: [
      { code: "Code de la santé publique", article: "L3213-2", url: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031972010", effectiveOn: "2016-01-28" },
      { code: "Code de la santé publique", article: "L3213-1", url: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000024313216" },
    ],
    content: {
      format: "markdown",
      body: `## Mesures provisoires du maire

En cas de **danger imminent pour la sûreté des personnes**, attesté par un avis médical, le maire (à Paris, les commissaires de police) arrête à l'égard des personnes dont le comportement révèle des troubles mentaux manifestes toutes les mesures provisoires nécessaires, à charge d'en référer **dans les vingt-quatre heures** au préfet, qui statue sans délai.

Faute de décision préfectorale, ces mesures provisoires sont caduques au terme d'une durée de **quarante-huit heures**.

## Ce que le CCAS peut faire

- tenir à jour, avec la police municipale, la liste des médecins joignables la nuit et le week-end ;
- préparer un modèle d'arrêté municipal et la fiche de transmission à l'ARS ;
- prévoir l'accompagnement de la famille et le suivi social après l'hospitalisation.

## À retenir

On parle encore souvent d'« hospitalisation d'office » : le terme a disparu en 2011 au profit des soins sur décision du représentant de l'État.`,
    },
  });

  await createWatchPage(db, franconvilleStaff, {
    networkId: input.networkId,
    title: "RSA : ce que change la loi pour le plein emploi",
    sectionId: insertion.id,
    themes: ["Insertion et RSA"],
    reviewOn: inMonths(3),
    legalReferences: [
      { code: "Loi n° 2023-1196 du 18 décembre 2023", article: "art. 1er à 3", url: "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000048581324", effectiveOn: "2025-01-01" },
      { code: "Code de l'action sociale et des familles", article: "L262-28" },
    ],
    content: {
      format: "markdown",
      body: `## Inscription automatique

Depuis le **1er janvier 2025**, les allocataires du RSA et leur conjoint sont inscrits automatiquement à France Travail et signent un **contrat d'engagement**, qui prévoit en principe **quinze heures d'activité** par semaine.

## Pour les CCAS

Les CCAS qui accompagnent des allocataires (référents RSA par convention avec le Département) doivent s'articuler avec le **réseau pour l'emploi** : comités locaux, orientation, sanctions de « suspension-remobilisation ».`,
    },
  });

  const domiciliation = await createWatchPage(db, ermontStaff, {
    networkId: input.networkId,
    title: "Domiciliation des personnes sans domicile stable",
    sectionId: access.id,
    themes: ["Logement", "Gouvernance"],
    reviewOn: inMonths(12),
    legalReferences: [{ code: "Code de l'action sociale et des familles", article: "L264-1", url: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031726455" }],
    content: {
      format: "markdown",
      body: `## Une obligation du CCAS

Le CCAS est tenu de domicilier toute personne sans domicile stable ayant un **lien avec la commune** (séjour, activité, démarches d'insertion, liens familiaux). Un refus doit être motivé par écrit.

## Bonnes pratiques

- un entretien d'ouverture, puis une attestation Cerfa n° 13482 ;
- une élection de domicile valable **un an**, renouvelable ;
- un registre du courrier et une information claire sur les horaires de retrait.`,
    },
  });
  // An overdue page, to show the "à revoir" flag in the demo.
  await db.updateTable("documents").set({ reviewOn: DateTime.fromJSDate(now).minus({ days: 10 }).toISODate()! }).where("id", "=", domiciliation.id).execute();

  await createPracticeNote(db, ermontStaff, {
    networkId: input.networkId,
    organisationId: input.organisation("95219"),
    title: "Rompre l'isolement des personnes âgées : les appels de convivialité",
    themes: ["Personnes âgées"],
    published: true,
    cost: "Environ 4 000 € par an (temps d'agent et formation des bénévoles)",
    partners: "Petits Frères des Pauvres, clubs seniors, services d'aide à domicile",
    contactName: "Amine Benali, travailleur social",
    contactDetails: "agent@ccas-ermont.demo.tablee.fr",
    content: {
      format: "markdown",
      body: `## Contexte

Après la canicule de 2019, le registre des personnes vulnérables comptait plus de 600 inscrits, dont beaucoup sans visite régulière.

## Ce que nous avons fait

- des **appels hebdomadaires** par un binôme agent-bénévole, selon un guide d'entretien ;
- un signalement au travailleur social quand un besoin apparaît (portage de repas, téléassistance) ;
- un café rencontre mensuel pour les personnes qui le souhaitent.

## Résultats

120 personnes appelées chaque semaine, 35 nouvelles aides mises en place la première année.`,
    },
  });

  await createPracticeNote(db, tavernyDirector, {
    networkId: input.networkId,
    organisationId: input.organisation("95607"),
    title: "Portage de repas à domicile : passer en liaison froide",
    themes: ["Personnes âgées", "Achats publics"],
    published: true,
    cost: "Repas facturé 8,50 € ; reste à charge modulé selon les ressources",
    partners: "Cuisine centrale intercommunale, service d'aide à domicile",
    contactName: "Thomas Moreau, directeur du CCAS",
    contactDetails: "direction@ccas-taverny.demo.tablee.fr",
    content: {
      format: "markdown",
      body: `## Contexte

Les tournées en liaison chaude ne permettaient pas de livrer le week-end.

## Ce que nous avons fait

Passage en **liaison froide** (livraison des repas du samedi et du dimanche le vendredi), nouveau marché public avec allotissement, formation des agents livreurs au repérage des fragilités.

## Résultats

80 repas par jour, livraison 7 jours sur 7, et un signalement hebdomadaire au CCAS des personnes qui n'ouvrent pas.`,
    },
  });

  await createPracticeNote(db, ermontStaff, {
    networkId: input.networkId,
    organisationId: input.organisation("95219"),
    title: "Brouillon : permanence numérique pour les seniors",
    themes: ["Personnes âgées"],
    content: { format: "markdown", body: "Notes de travail, à compléter avant publication." },
  });

  const discussed = await db
    .selectFrom("agendaItems")
    .innerJoin("meetings", "meetings.id", "agendaItems.meetingId")
    .select("agendaItems.id")
    .where("meetings.networkId", "=", input.networkId)
    .where("agendaItems.title", "like", "Soins sans consentement%")
    .executeTakeFirst();
  if (discussed) await db.insertInto("agendaItemDocuments").values({ agendaItemId: discussed.id, documentId: sdre.id }).execute();
}
