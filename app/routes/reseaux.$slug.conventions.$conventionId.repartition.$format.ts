import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "../features/auth/guards.server.ts";
import { requireNetworkMember } from "../features/network/access.server.ts";
import { findConventionInNetwork } from "../features/purchases/conventions.server.ts";
import { downloadResponse, toCsv, toXlsx } from "../features/purchases/exports.server.ts";
import { conventionSheet, fileSlug } from "../features/purchases/share-sheets.ts";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { network } = await requireNetworkMember(context, request, params.slug);
  const format = params.format;
  if (format !== "csv" && format !== "xlsx") throw notFound();
  const convention = await findConventionInNetwork(context.db, network.id, params.conventionId ?? "");
  if (!convention) throw notFound();
  const sheet = conventionSheet(convention);
  const fileName = `repartition-${fileSlug(convention.title)}`;
  return format === "csv" ? downloadResponse(toCsv(sheet), fileName, "csv") : downloadResponse(await toXlsx(sheet), fileName, "xlsx");
}
