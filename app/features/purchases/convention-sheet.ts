import { splitMethodLabels } from "./cost-split.ts";
import type { ConventionDetails } from "./conventions.server.ts";
import type { ShareSheet } from "./exports.server.ts";

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
