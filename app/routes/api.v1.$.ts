import { apiError } from "../features/api/http.server.ts";

/** Any other address under /api/v1/: a JSON 404, not the HTML page. */
const notFound = () => apiError(404, "not_found", "Cette adresse n'existe pas dans l'API v1 : voir /api/v1/openapi.json.");
export const loader = notFound;
export const action = notFound;
