import { SEARCH_KINDS } from "../search/kinds.ts";

const error = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", example: "not_found" },
        message: { type: "string", description: "En français, affichable tel quel.", example: "Cette ressource n'existe pas ou ne vous est pas accessible." },
        details: { type: "object", description: "422 : messages par champ.", additionalProperties: { type: "array", items: { type: "string" } } },
      },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
const commonErrors = {
  "401": errorResponse("Jeton absent, inconnu ou révoqué."),
  "429": errorResponse("Plus de 300 requêtes par minute avec ce jeton (en-tête Retry-After)."),
};
const networkParameter = {
  name: "network",
  in: "query",
  required: false,
  description: "Identifiant (slug) du réseau ; facultatif si votre compte n'est membre que d'un réseau.",
  schema: { type: "string" },
};
const idParameter = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };

/** A watch page or practice note as lists give it; the document read alone adds its text and details. */
const summaryProperties = {
  id: { type: "string", format: "uuid" },
  kind: { type: "string", enum: ["wiki", "practice"] },
  title: { type: "string" },
  url: { type: "string" },
  organisation: { type: ["object", "null"], properties: { id: { type: "string", format: "uuid" }, name: { type: "string" } } },
  visibility: { type: "string", enum: ["network", "organisation"] },
  sectionId: { type: ["string", "null"], format: "uuid" },
  owner: { type: ["object", "null"], description: "Le responsable.", properties: { id: { type: "string", format: "uuid" }, name: { type: "string" } } },
  reviewOn: { type: ["string", "null"], format: "date" },
  themes: { type: "array", items: { type: "string" } },
  readCount: {
    type: "integer",
    minimum: 0,
    description:
      "Nombre de consultations affiché sur la page (« Consultée N fois ») : une par membre et par jour, sans les visites du rédacteur ni du responsable. Les lectures par l'API ne sont pas comptées.",
  },
  updatedAt: { type: "string", format: "date-time" },
};

const knowledgeInput = (kind: "wiki" | "practice") => ({
  type: "object",
  properties: {
    network: { type: "string", description: "Slug du réseau (création seulement)." },
    title: { type: "string", minLength: 3, maxLength: 160 },
    themes: { type: "array", items: { type: "string" }, description: "Identifiants ou libellés des thèmes du réseau." },
    reviewOn: { type: ["string", "null"], format: "date", description: "Date de révision, pas dans le passé." },
    legalReferences: {
      type: "array",
      items: {
        type: "object",
        required: ["code", "article"],
        properties: { code: { type: "string" }, article: { type: "string" }, url: { type: ["string", "null"] }, effectiveOn: { type: ["string", "null"], format: "date" } },
      },
    },
    html: { type: "string", description: "Texte en HTML (nettoyé)." },
    markdown: { type: "string", description: "Texte en Markdown (ou html, pas les deux)." },
    ...(kind === "wiki"
      ? {
          sectionId: {
            type: ["string", "null"],
            format: "uuid",
            description:
              "Section de la page (null : sans section). À la création, tout rédacteur choisit la section ; ensuite, seule la coordination du réseau range une page dans une autre section (sinon 403, rien n'est modifié).",
          },
          ownerUserId: {
            type: "string",
            format: "uuid",
            description: "Modification seulement : le nouveau responsable de la page, membre actif du réseau (changé par le responsable actuel ou la coordination, sinon 403).",
          },
        }
      : {
          ownerUserId: {
            type: "string",
            format: "uuid",
            description:
              "Modification seulement : le nouveau responsable de la fiche, membre actif du CCAS auteur (changé par le responsable actuel, la direction de ce CCAS ou la coordination qui en est membre, sinon 403).",
          },
          organisationId: { type: "string", format: "uuid", description: "CCAS auteur ; facultatif si vous n'en avez qu'un dans le réseau." },
          published: { type: "boolean", description: "false : brouillon visible de votre seul CCAS." },
          cost: { type: ["string", "null"] },
          partners: { type: ["string", "null"] },
          contactName: { type: ["string", "null"] },
          contactDetails: { type: ["string", "null"] },
        }),
  },
});

function knowledgePaths(path: string, kind: "wiki" | "practice", label: string) {
  const tag = label;
  return {
    [`/api/v1/${path}`]: {
      get: {
        tags: [tag],
        summary: `Liste des ${label.toLowerCase()} lisibles`,
        parameters: [networkParameter],
        responses: {
          "200": {
            description: "Liste",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["network", "items"],
                  properties: { network: { type: "string" }, items: { type: "array", items: { $ref: "#/components/schemas/KnowledgeSummary" } } },
                },
              },
            },
          },
          ...commonErrors, "400": errorResponse("Réseau à préciser."), "404": errorResponse("Réseau inconnu ou dont vous n'êtes pas membre.") },
      },
      post: {
        tags: [tag],
        summary: "Créer",
        requestBody: { required: true, content: { "application/json": { schema: { ...knowledgeInput(kind), required: ["title"] } } } },
        responses: {
          "201": { description: "Créé : le document complet (html et markdown).", content: { "application/json": { schema: { $ref: "#/components/schemas/KnowledgeDocument" } } } },
          ...commonErrors,
          "400": errorResponse("JSON illisible."),
          "403": errorResponse("Action non permise à votre compte."),
          "404": errorResponse("Réseau inconnu ou dont vous n'êtes pas membre."),
          "413": errorResponse("Corps de plus de 8 Mo."),
          "415": errorResponse("Content-Type autre que application/json."),
          "422": errorResponse("Champs refusés (details : messages par champ)."),
        },
      },
    },
    [`/api/v1/${path}/{id}`]: {
      get: {
        tags: [tag],
        summary: "Lire (HTML et Markdown)",
        parameters: [idParameter],
        responses: { "200": { description: "Document", content: { "application/json": { schema: { $ref: "#/components/schemas/KnowledgeDocument" } } } }, ...commonErrors, "404": errorResponse("Inconnu, d'un autre réseau ou brouillon d'un autre CCAS.") },
      },
      patch: {
        tags: [tag],
        summary: "Modifier (seuls les champs envoyés changent ; le texte remplace le texte en cours d'édition)",
        parameters: [idParameter],
        requestBody: { required: true, content: { "application/json": { schema: knowledgeInput(kind) } } },
        responses: {
          "200": { description: "Document modifié", content: { "application/json": { schema: { $ref: "#/components/schemas/KnowledgeDocument" } } } },
          ...commonErrors,
          "403": errorResponse(
            kind === "wiki"
              ? "Lecture permise, modification non : changer la section (coordination) ou le responsable sans en avoir le droit."
              : "Lecture permise, écriture non (fiche d'un autre CCAS), ou changement de responsable sans en avoir le droit.",
          ),
          "404": errorResponse("Inconnu ou illisible."),
          "413": errorResponse("Corps de plus de 8 Mo."),
          "415": errorResponse("Content-Type autre que application/json."),
          "422": errorResponse("Champs refusés."),
        },
      },
    },
  };
}

/** OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. */
export function openApiDocument(baseUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "API de Tablée",
      version: "1.0.0",
      description:
        "Recherche, veille réglementaire et fiches pratiques d'un réseau de CCAS. Authentification : jeton personnel créé sur /profil " +
        "(ou `npm run admin -- create-token --email …`), envoyé dans l'en-tête `Authorization: Bearer <jeton>`. Le jeton porte exactement " +
        "les droits de son titulaire. Erreurs : JSON `{ \"error\": { \"code\", \"message\" } }`, message en français.",
    },
    servers: [{ url: baseUrl }],
    security: [{ bearer: [] }],
    paths: {
      "/api/v1/search": {
        get: {
          tags: ["Recherche"],
          summary: "Recherche en français (mêmes résultats et filtres que la page Recherche)",
          parameters: [
            { name: "q", in: "query", required: true, schema: { type: "string", maxLength: 10000 }, description: "Mots cherchés ; au-delà de 200 caractères la recherche est tronquée (truncated: true)." },
            networkParameter,
            { name: "kind", in: "query", schema: { type: "string", enum: SEARCH_KINDS } },
            { name: "organisation", in: "query", schema: { type: "string", format: "uuid" }, description: "CCAS" },
            { name: "theme", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "year", in: "query", schema: { type: "integer" } },
            { name: "page", in: "query", schema: { type: "integer", minimum: 1, maximum: 500 }, description: "20 résultats par page." },
          ],
          responses: {
            "200": { description: "Résultats classés, extraits surlignés (snippetHtml : texte échappé, <mark> autour des mots trouvés) et décomptes par filtre. Les décomptes s'arrêtent à 1 000 : totalCapped: true signifie « plus de 1 000 résultats » (total vaut alors 1 000), et facetsApproximate: true que chaque décompte par filtre ne porte que sur les 1 001 premiers résultats (c'est un minimum). Seuls les contenus que le titulaire du jeton peut lire sont comptés.", content: { "application/json": { schema: { type: "object" } } } },
            ...commonErrors,
            "400": errorResponse("Paramètre invalide, ou réseau à préciser."),
            "404": errorResponse("Réseau inconnu ou dont vous n'êtes pas membre."),
            "413": errorResponse("q dépasse 10 000 caractères."),
          },
        },
      },
      ...knowledgePaths("pages", "wiki", "Pages de veille"),
      ...knowledgePaths("notes", "practice", "Fiches pratiques"),
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "Jeton personnel (tablee_…)." } },
      schemas: {
        Error: error,
        KnowledgeSummary: { type: "object", properties: summaryProperties },
        KnowledgeDocument: {
          type: "object",
          properties: {
            ...summaryProperties,
            network: { type: "string" },
            sectionTitle: { type: ["string", "null"] },
            themeIds: { type: "array", items: { type: "string" } },
            legalReferences: { type: "array", items: { type: "object" } },
            details: { type: ["object", "null"] },
            reviewDue: { type: "boolean" },
            canWrite: { type: "boolean" },
            createdAt: { type: "string", format: "date-time" },
            html: { type: "string" },
            markdown: { type: "string" },
          },
        },
      },
    },
  };
}
