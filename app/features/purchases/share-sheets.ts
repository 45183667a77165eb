import { splitMethodLabels } from "./cost-split.ts";
import type { ConventionDetails } from "./conventions.server.ts";
import type { ShareSheet } from "./exports.server.ts";
import type { purchaseShares } from "./purchases.server.ts";

/** The spreadsheets Tablée exports: what each party owes, with how it was computed. */

type PurchaseShares = NonNullable<Awaited<ReturnType<typeof purchaseShares>>>;

/** Each member's price under the awarded offer, for the members that did not decline their order. */
export function purchaseSheet(subject: string, shares: PurchaseShares): ShareSheet {
  return {
    title: `${subject} — répartition`,
    notes: [`Offre retenue : ${shares.offer.providerName} (${shares.offer.description}).`, `Prix pour ${shares.participantCount} CCAS participants ; montants HT.`],
    columns: ["CCAS", "Habitants", "Commande", "Montant HT (€)"],
    rows: [
      ...shares.shares.map((share) => [share.name, share.population, share.orderDecision === "confirmed" ? "confirmée" : "à confirmer", share.cents]),
      ["Total", null, null, shares.totalCents],
    ],
    moneyColumns: [3],
  };
}

/** "Analyse des besoins sociaux 2027" → "analyse-des-besoins-sociaux-2027". */
export function fileSlug(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\w]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}

/** A convention's yearly shares as a spreadsheet: one row per party, the co-financing and the total. */
export function conventionSheet(convention: ConventionDetails): ShareSheet {
  const { split } = convention;
  return {
    title: `${convention.title} — répartition du coût annuel`,
    notes: [`Clé : ${splitMethodLabels[convention.splitMethod]}.`, ...split.explanation],
    columns: ["Partie", "Calcul", "Montant (€)"],
    rows: [
      ...(split.cofinancingCents > 0 || convention.splitMethod === "residual"
        ? [[convention.cofinancerName ?? "Cofinanceur", "cofinancement", split.cofinancingCents] as Array<string | number | null>]
        : []),
      ...split.shares.map((share) => [share.name, share.formula, share.cents]),
      ["Total", null, split.totalCents],
    ],
    moneyColumns: [2],
  };
}
