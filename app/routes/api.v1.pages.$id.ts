import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { itemAction, itemLoader } from "../features/api/knowledge-routes.server.ts";

/** GET: read (HTML and Markdown); PATCH: update (docs: /api/v1/openapi.json). */
export const loader = (args: LoaderFunctionArgs) => itemLoader("wiki", args);
export const action = (args: ActionFunctionArgs) => itemAction("wiki", args);
