/**
 * The declared access policy of every route and socket.io event: the
 * permission matrix (permission-matrix.test.ts) checks each answer against
 * it, and a route or event missing here fails that test. Add your route's
 * entry when you add the route.
 *
 * Callers: anonymous; each role of the owning CCAS (the CCAS the URL is
 * about: Ermont, which also employs the network's coordinator); a director
 * of another CCAS of the same network (Franconville); a member of another
 * network (Pays-Haut); a deactivated user whose session cookie still exists.
 */

export const CALLERS = ["anonymous", "coordinator", "director", "elected", "staff", "otherCcas", "otherNetwork", "deactivated"] as const;
export type Caller = (typeof CALLERS)[number];

/**
 * `allowed`: served (2xx, or a redirect elsewhere than the sign-in page; for a POST with the matrix's empty form, a
 * French refusal of the input is allowed too). `sign-in`: 302 to /connexion. Numbers: that status exactly.
 * `any`: public, whatever the status but never a 5xx.
 */
export type Outcome = "allowed" | "sign-in" | "any" | 401 | 403 | 404;
export type Rule = Record<Caller, Outcome>;

const rule = (base: Outcome, overrides: Partial<Rule> = {}): Rule =>
  Object.fromEntries(CALLERS.map((caller) => [caller, overrides[caller] ?? base])) as Rule;

const signedOut = { anonymous: "sign-in", deactivated: "sign-in" } as const;

/** Anyone, signed in or not (sign-in page, invitation and reset links carrying their own token…). */
export const PUBLIC = rule("any");
/** Any signed-in account, whatever its networks (own profile…). */
export const SIGNED_IN = rule("allowed", signedOut);
/** Members of the network; others get the same 404 as for a network that does not exist. */
export const NETWORK_MEMBER = rule("allowed", { ...signedOut, otherNetwork: 404 });
/** The network's coordinators only. */
export const COORDINATOR = rule(403, { ...signedOut, otherNetwork: 404, coordinator: "allowed" });
/** Coordinators and the director of the CCAS the page is about. */
export const CCAS_DIRECTION = rule(403, { ...signedOut, otherNetwork: 404, coordinator: "allowed", director: "allowed" });
/** Coordinators and the directors of every CCAS of the network (members page: directors staff their CCAS). */
export const DIRECTORS = rule(403, { ...signedOut, otherNetwork: 404, coordinator: "allowed", director: "allowed", otherCcas: "allowed" });
/** Coordinators and the host CCAS's director and elected officials (a meeting's managers; the owning CCAS is the host). */
export const MEETING_MANAGERS = rule(403, { ...signedOut, otherNetwork: 404, coordinator: "allowed", director: "allowed", elected: "allowed" });
/** JSON API for members: 401 JSON without a session, 404 outside the network. */
export const API_NETWORK_MEMBER = rule("allowed", { anonymous: 401, deactivated: 401, otherNetwork: 404 });
export const API_SIGNED_IN = rule("allowed", { anonymous: 401, deactivated: 401 });
/** Members of the CCAS the page is about, whatever their role (a practice note is edited by its own CCAS). */
export const OWN_CCAS = rule("allowed", { ...signedOut, otherNetwork: 404, otherCcas: 403 });
/** The versioned JSON API authenticates by personal token only: a session cookie, whoever sends it, is a 401. */
export const API_TOKEN_ONLY = rule(401);
/** With a token: what its user may read; no token, or a deactivated user's, is a 401. */
const TOKEN_SIGNED_IN = rule("allowed", { anonymous: 401, deactivated: 401 });
/** With a token, a document of Val Parisis: its members read it, another network's member gets the 404 of a missing one. */
const TOKEN_NETWORK_MEMBER = rule("allowed", { anonymous: 401, deactivated: 401, otherNetwork: 404 });
/** A well-formed identifier of nothing: submissions that name it are refused in French to whoever may send them. */
const UNKNOWN_ID = "00000000-0000-4000-8000-00000000d1ce";
/** The catch-all page. */
export const NOT_FOUND = rule(404);

export interface RoutePolicy {
  get: Rule;
  /** Required when the route has an action. */
  post?: Rule;
  /** The action ends the caller's session: the suites send it with throwaway sessions only. */
  endsSession?: boolean;
  /** Intents whose rule differs from the form without intent's (`post`), judged with their own rule. */
  intents?: Record<string, Rule>;
  /**
   * Hand-made submissions beyond the empty form and each intent: a field a form shows only to some callers, sent by
   * everyone anyway. Each is judged with its own rule, and one refused to a caller must write nothing.
   */
  submissions?: { label: string; fields: Record<string, string>; rule: Rule }[];
  /** API routes: GET with each caller's personal token (`Authorization: Bearer`, no cookie; anonymous sends none). */
  token?: Rule;
  /** Why the rule is what it is, when it is not obvious. */
  note?: string;
}

export const routePolicies: Record<string, RoutePolicy> = {
  "routes/$": { get: NOT_FOUND, post: NOT_FOUND },
  "routes/_index": { get: SIGNED_IN },
  "routes/accessibilite": { get: PUBLIC },
  "routes/connexion": { get: PUBLIC, post: PUBLIC },
  "routes/deconnexion": { get: PUBLIC, post: PUBLIC, endsSession: true },
  "routes/mot-de-passe-oublie": { get: PUBLIC, post: PUBLIC },
  "routes/reinitialisation.$token": { get: PUBLIC, post: PUBLIC, note: "the token is the credential" },
  "routes/invitation.$token": { get: PUBLIC, post: PUBLIC, note: "the token is the credential" },
  "routes/calendrier.$file": { get: PUBLIC, note: "the file name is a secret feed token; an unknown one is 404 for everybody" },
  "routes/profil": { get: SIGNED_IN, post: SIGNED_IN },
  "routes/profil_.calendrier": { get: SIGNED_IN, post: SIGNED_IN },
  "routes/documents.$documentId": { get: NETWORK_MEMBER, note: "redirects readers to the document's page; 404 for anyone else" },
  "routes/api.communes": { get: API_SIGNED_IN },
  "routes/api.reseaux.$slug.annuaire": { get: API_NETWORK_MEMBER },
  "routes/reseaux.$slug": { get: NETWORK_MEMBER },
  "routes/reseaux.$slug._index": { get: NETWORK_MEMBER },
  "routes/reseaux.$slug.annuaire._index": { get: NETWORK_MEMBER },
  "routes/reseaux.$slug.annuaire.ajouter": { get: COORDINATOR, post: COORDINATOR },
  "routes/reseaux.$slug.annuaire.$organisationId._index": { get: NETWORK_MEMBER },
  "routes/reseaux.$slug.annuaire.$organisationId.modifier": { get: CCAS_DIRECTION, post: CCAS_DIRECTION },
  "routes/reseaux.$slug.journal": { get: COORDINATOR },
  "routes/reseaux.$slug.membres": {
    get: DIRECTORS,
    post: DIRECTORS,
    note: "each intent (invite, change role, deactivate) then checks its own permission after reading the form",
  },
  "routes/reseaux.$slug.notes._index": { get: NETWORK_MEMBER, post: NETWORK_MEMBER },
  "routes/reseaux.$slug.notes.$documentId._index": { get: NETWORK_MEMBER },
  "routes/reseaux.$slug.notes.$documentId.historique": { get: NETWORK_MEMBER, post: NETWORK_MEMBER },
  "routes/reseaux.$slug.tables-rondes._index": {
    get: NETWORK_MEMBER,
    post: NETWORK_MEMBER,
    note: "planning a round table is the coordinators' (checked per intent, after the form is read)",
  },
  "routes/reseaux.$slug.tables-rondes.rotation": { get: COORDINATOR, post: COORDINATOR },
  "routes/reseaux.$slug.tables-rondes.$meetingId": {
    get: NETWORK_MEMBER,
    post: NETWORK_MEMBER,
    note: "agenda, attendance and follow-up intents each check their own permission (tests/integration/roundtables.test.ts)",
    // Sending the failed convocations again is the meeting's managers' (tests/integration/mail-outbox.test.ts).
    intents: { "retry-convocation": MEETING_MANAGERS },
  },
  "routes/reseaux.$slug.tables-rondes.$meetingId_.compte-rendu": { get: NETWORK_MEMBER, post: MEETING_MANAGERS },
  "routes/reseaux.$slug.tables-rondes.$meetingId_.convocation": { get: NETWORK_MEMBER },
  "routes/reseaux.$slug.tables-rondes.$meetingId_.ics": { get: NETWORK_MEMBER },
  "routes/reseaux.$slug.recherche": { get: NETWORK_MEMBER, note: "results and their counts are filtered in SQL (tests/integration/search.test.ts)" },
  "routes/api.reseaux.$slug.suggestions": { get: API_NETWORK_MEMBER },
  "routes/api.v1.openapi[.]json": { get: PUBLIC },
  "routes/api.v1.$": { get: PUBLIC, post: PUBLIC, note: "unknown API paths: a JSON error, never a 5xx" },
  "routes/api.v1.search": { get: API_TOKEN_ONLY, token: TOKEN_SIGNED_IN, note: "results per caller: tests/integration/search-api.test.ts" },
  "routes/api.v1.pages._index": { get: API_TOKEN_ONLY, post: API_TOKEN_ONLY, token: TOKEN_SIGNED_IN, note: "each caller lists its own network's pages" },
  "routes/api.v1.pages.$id": { get: API_TOKEN_ONLY, post: rule("allowed"), token: TOKEN_NETWORK_MEMBER, note: "updates are PUT/PATCH: a POST is a 405 JSON error for everybody" },
  "routes/api.v1.notes._index": { get: API_TOKEN_ONLY, post: API_TOKEN_ONLY, token: TOKEN_SIGNED_IN, note: "each caller lists its own network's notes" },
  "routes/api.v1.notes.$id": { get: API_TOKEN_ONLY, post: rule("allowed"), token: TOKEN_NETWORK_MEMBER, note: "updates are PUT/PATCH: a POST is a 405 JSON error for everybody" },
  "routes/notifications": { get: SIGNED_IN, post: SIGNED_IN, note: "one's own notifications" },
  "routes/reseaux.$slug.veille._index": {
    get: NETWORK_MEMBER,
    post: NETWORK_MEMBER,
    // Ordering a section's pages and moving them between sections from the contents: the coordinators, refused to others before the input is read.
    intents: { "move-page": COORDINATOR, "file-page": COORDINATOR },
    note: "any member writes pages and files them in sections; reordering sections and pages is the coordinators' (checked per intent; tests/integration/knowledge-curation.test.ts)",
  },
  "routes/reseaux.$slug.veille.export": { get: NETWORK_MEMBER, note: "a 400 in French without ?format=md|html" },
  "routes/reseaux.$slug.veille.importer": { get: NETWORK_MEMBER, post: NETWORK_MEMBER },
  "routes/reseaux.$slug.veille.importer.progression": { get: NETWORK_MEMBER, post: NETWORK_MEMBER, note: "action only: GET is a 405" },
  "routes/reseaux.$slug.veille.$documentId._index": {
    get: NETWORK_MEMBER,
    post: NETWORK_MEMBER,
    submissions: [
      {
        // The edit form offers the section to the coordinators only; a section that does not exist is refused to them in
        // French (nothing written), to every other writer with a 403 before the section is even looked up.
        label: "page filed in another section from its own form",
        fields: { intent: "update", title: "Page de veille de sécurité", sectionId: UNKNOWN_ID },
        rule: COORDINATOR,
      },
    ],
    note: "comments, proposals and edits check their own permission; handing the page over (a field of the edit form) is its responsible's and the coordinators', filing it in another section the coordinators' (tests/integration/knowledge-curation.test.ts)",
  },
  "routes/reseaux.$slug.veille.$documentId.export": { get: NETWORK_MEMBER },
  "routes/reseaux.$slug.veille.$documentId.historique": { get: NETWORK_MEMBER, post: NETWORK_MEMBER },
  "routes/reseaux.$slug.fiches._index": { get: NETWORK_MEMBER, post: NETWORK_MEMBER, note: "a note is written in the name of one's own CCAS (checked in the feature)" },
  "routes/reseaux.$slug.fiches.$documentId._index": {
    get: NETWORK_MEMBER,
    post: OWN_CCAS,
    submissions: [
      {
        // Ermont's note, whose responsible is Ermont's agent (the demo's): they, Ermont's director and the coordinator (of
        // Ermont) may hand it over, and are told in French that nobody is chosen; Ermont's elected member gets a 403.
        label: "note handed over from its own form",
        fields: { intent: "update", title: "Fiche pratique de sécurité", ownerUserId: UNKNOWN_ID },
        rule: rule(403, { ...signedOut, otherNetwork: 404, coordinator: "allowed", director: "allowed", staff: "allowed" }),
      },
    ],
    // Whoever reads the note may comment it, propose it to the agenda, or be told politely that they may not delete a file.
    intents: { comment: NETWORK_MEMBER, propose: NETWORK_MEMBER, resolve: NETWORK_MEMBER, reopen: NETWORK_MEMBER, "delete-attachment": NETWORK_MEMBER },
    note: "a published note of Ermont: every member reads it, Ermont's members edit it (comments: tests/integration/knowledge.test.ts)",
  },
  "routes/reseaux.$slug.fiches.$documentId.export": { get: NETWORK_MEMBER },
  "routes/reseaux.$slug.fiches.$documentId.historique": { get: NETWORK_MEMBER, post: OWN_CCAS, note: "restoring a version is editing the note" },
  "routes/reseaux.$slug.pieces-jointes.$attachmentId": {
    get: NETWORK_MEMBER,
    note: "an attachment of a published note: readers of the note download it; files of offers and conventions: tests/integration/purchase-files-and-edits.test.ts",
  },
  "routes/reseaux.$slug.achats._index": { get: NETWORK_MEMBER, post: NETWORK_MEMBER, note: "creating a purchase: coordinators and the coordinating CCAS's director (checked in the feature)" },
  "routes/reseaux.$slug.achats.$purchaseId._index": {
    get: NETWORK_MEMBER,
    post: NETWORK_MEMBER,
    intents: {
      // Editing the project: the coordinating CCAS (Ermont) and the coordinators, refused to others before the input is read.
      edit: CCAS_DIRECTION,
      // Asking to delete a file that does not exist answers any member in French; a real one: tests/integration/purchase-files-and-edits.test.ts.
      "delete-attachment": NETWORK_MEMBER,
    },
    note: "each CCAS's director answers for it; offers, their files and award are the coordinating CCAS's (tests/integration/purchases.test.ts, purchase-files-and-edits.test.ts); uploads are multipart (same file)",
  },
  "routes/reseaux.$slug.achats.$purchaseId.repartition.$format": {
    get: rule(404, signedOut),
    note: "the demo purchase is not awarded yet, so it has no shares: 404 for everybody; exports of an awarded one: tests/integration/purchases.test.ts",
  },
  "routes/reseaux.$slug.conventions._index": { get: NETWORK_MEMBER, post: NETWORK_MEMBER },
  "routes/reseaux.$slug.conventions.$conventionId._index": {
    get: NETWORK_MEMBER,
    // The form without intent renews; renewing and editing are for the parties' directors (Ermont and Franconville) and the coordinators.
    post: DIRECTORS,
    intents: { renew: DIRECTORS, edit: DIRECTORS, "delete-attachment": NETWORK_MEMBER },
    note: "the fixture's convention ties Ermont and Franconville; documents' uploads (multipart) and deletions: tests/integration/purchase-files-and-edits.test.ts",
  },
  "routes/reseaux.$slug.conventions.$conventionId.repartition.$format": { get: NETWORK_MEMBER },
  "routes/reseaux.$slug.abs": { get: NETWORK_MEMBER, post: NETWORK_MEMBER, note: "a CCAS's ABS status: its director or a coordinator (checked in the feature)" },
};

/**
 * socket.io events. `connect`: who may open a socket at all (anonymous and
 * deactivated callers are refused at the handshake). For the events that
 * answer, `allowed` means `{ ok: true }` and a number means `{ ok: false }`;
 * silent events must change nothing for outsiders.
 */
export type EventOutcome = "allowed" | "refused" | "connection-refused" | "no-effect";
export type EventRule = Record<Caller, EventOutcome>;
const eventRule = (base: EventOutcome, overrides: Partial<EventRule> = {}): EventRule =>
  Object.fromEntries(CALLERS.map((caller) => [caller, overrides[caller] ?? base])) as EventRule;
const noSocket = { anonymous: "connection-refused", deactivated: "connection-refused" } as const;

export interface EventPolicy {
  rule: EventRule;
  /** The message a caller sends, built from the demo ids. */
  payload: (ids: { documentId: string; meetingId: string }) => unknown;
  /** Whether the server acknowledges the event (emitWithAck). */
  acknowledged: boolean;
}

export const eventPolicies: Record<string, EventPolicy> = {
  "doc:join": {
    rule: eventRule("allowed", { ...noSocket, otherNetwork: "refused" }),
    payload: ({ documentId }) => ({ documentId, stateVector: new Uint8Array([0]) }),
    acknowledged: true,
  },
  "doc:update": {
    // Sent after trying to join: a socket writes only to documents its join was granted.
    rule: eventRule("allowed", { ...noSocket, otherNetwork: "refused" }),
    payload: ({ documentId }) => ({ documentId, update: new Uint8Array([0, 0]) }),
    acknowledged: true,
  },
  "doc:awareness": { rule: eventRule("no-effect", noSocket), payload: ({ documentId }) => ({ documentId, update: new Uint8Array([0]) }), acknowledged: false },
  "doc:leave": { rule: eventRule("no-effect", noSocket), payload: ({ documentId }) => ({ documentId }), acknowledged: false },
  "agenda:watch": {
    rule: eventRule("allowed", { ...noSocket, otherNetwork: "refused" }),
    payload: ({ meetingId }) => ({ meetingId }),
    acknowledged: true,
  },
  "agenda:unwatch": { rule: eventRule("no-effect", noSocket), payload: ({ meetingId }) => ({ meetingId }), acknowledged: false },
};
