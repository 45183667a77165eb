import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { downloadResponse, toCsv, toXlsx, type ShareSheet } from "../features/purchases/exports.server.ts";
import { findPurchaseInNetwork, purchaseShares } from "../features/purchases/purchases.server.ts";

/** Each member's share of the awarded offer, as CSV or XLSX. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network } = await requireNetworkMember(context, request, params.slug);
  const format = params.format;
  if (format !== "csv" && format !== "xlsx") throw notFound();
  const purchase = await findPurchaseInNetwork(context.db, network.id, params.purchaseId ?? "");
  if (!purchase) throw notFound();
  const shares = await purchaseShares(context.db, purchase);
  if (!shares) throw notFound("Aucune offre n'a encore été retenue pour cet achat.");
  const sheet: ShareSheet = {
    title: `${purchase.subject} — répartition`,
    notes: [
      `Offre retenue : ${shares.offer.providerName} (${shares.offer.description}).`,
      `Prix pour ${shares.participantCount} CCAS participants ; montants HT.`,
    ],
    columns: ["CCAS", "Habitants", "Commande", "Montant HT (€)"],
    rows: [
      ...shares.shares.map((share) => [
        share.name,
        share.population,
        share.orderDecision === "confirmed" ? "confirmée" : "à confirmer",
        share.cents,
      ]),
      ["Total", null, null, shares.totalCents],
    ],
    moneyColumns: [3],
  };
  const fileName = `repartition-${purchase.subject.normalize("NFD").replace(/[^\w]+/g, "-").replace(/^-|-$/g, "").toLowerCase()}`;
  return format === "csv" ? downloadResponse(toCsv(sheet), fileName, "csv") : downloadResponse(await toXlsx(sheet), fileName, "xlsx");
}
