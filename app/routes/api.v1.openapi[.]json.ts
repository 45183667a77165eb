import type { LoaderFunctionArgs } from "@remix-run/node";
import { openApiDocument } from "../features/api/openapi.ts";

/** The API's description, public like any documentation (it holds no data). */
export const loader = ({ context }: LoaderFunctionArgs) =>
  Response.json(openApiDocument(context.baseUrl), { headers: { "Cache-Control": "public, max-age=300" } });
