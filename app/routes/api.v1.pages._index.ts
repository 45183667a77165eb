import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { collectionAction, collectionLoader } from "../features/api/knowledge-routes.server.ts";

/** GET: list; POST: create (docs: /api/v1/openapi.json). */
export const loader = (args: LoaderFunctionArgs) => collectionLoader("wiki", args);
export const action = (args: ActionFunctionArgs) => collectionAction("wiki", args);
