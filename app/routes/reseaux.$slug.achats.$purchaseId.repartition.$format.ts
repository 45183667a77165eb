import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { downloadResponse, toCsv, toXlsx } from "../features/purchases/exports.server.ts";
import { findPurchaseInNetwork, purchaseShares } from "../features/purchases/purchases.server.ts";
import { fileSlug, purchaseSheet } from "../features/purchases/share-sheets.ts";

/** Each member's share of the awarded offer, as CSV or XLSX. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network } = await requireNetworkMember(context, request, params.slug);
  const format = params.format;
  if (format !== "csv" && format !== "xlsx") throw notFound();
  const purchase = await findPurchaseInNetwork(context.db, network.id, params.purchaseId ?? "");
  if (!purchase) throw notFound();
  const shares = await purchaseShares(context.db, purchase);
  if (!shares) throw notFound("Aucune offre n'a encore été retenue pour cet achat.");
  const sheet = purchaseSheet(purchase.subject, shares);
  const fileName = `repartition-${fileSlug(purchase.subject)}`;
  return format === "csv" ? downloadResponse(toCsv(sheet), fileName, "csv") : downloadResponse(await toXlsx(sheet), fileName, "xlsx");
}
