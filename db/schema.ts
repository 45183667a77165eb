import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from "kysely";

/** Timestamps come back as Date from both drivers; we write Date or ISO strings. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type OrganisationKind = "ccas" | "cias";
export type Role = "coordinator" | "director" | "elected" | "staff";

export interface NetworksTable {
  id: Generated<string>;
  slug: string;
  name: string;
  epciCode: string | null;
  cadenceMonths: Generated<number>;
  timeZone: Generated<string>;
  createdAt: CreatedAt;
}

export interface OrganisationsTable {
  id: Generated<string>;
  networkId: string;
  kind: OrganisationKind;
  name: string;
  inseeCode: string;
  communeName: string;
  departmentCode: string;
  postalCodes: string[];
  population: number | null;
  populationYear: number | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  passwordHash: string;
  name: string;
  jobTitle: string | null;
  phone: string | null;
  deactivatedAt: Timestamp | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
  /** Mentions and replies also come by e-mail (set on /profil). */
  notifyByEmail: Generated<boolean>;
}

export interface MembershipsTable {
  id: Generated<string>;
  userId: string;
  organisationId: string;
  role: Role;
  deactivatedAt: Timestamp | null;
  createdAt: CreatedAt;
}

export interface SessionsTable {
  /** SHA-256 of the cookie token: a leaked table does not give working cookies. */
  idHash: string;
  userId: string;
  createdAt: CreatedAt;
  expiresAt: Timestamp;
  lastSeenAt: Timestamp;
  ip: string | null;
  userAgent: string | null;
}

export interface InvitationsTable {
  id: Generated<string>;
  tokenHash: string;
  organisationId: string;
  role: Role;
  email: string;
  invitedBy: string;
  createdAt: CreatedAt;
  expiresAt: Timestamp;
  acceptedAt: Timestamp | null;
  acceptedUserId: string | null;
  revokedAt: Timestamp | null;
}

export interface PasswordResetsTable {
  tokenHash: string;
  userId: string;
  createdAt: CreatedAt;
  expiresAt: Timestamp;
  usedAt: Timestamp | null;
}

export interface RateLimitsTable {
  key: string;
  windowStart: Timestamp;
  hits: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  action: string;
  actorUserId: string | null;
  subjectUserId: string | null;
  organisationId: string | null;
  networkId: string | null;
  detail: ColumnType<Record<string, unknown>, Record<string, unknown> | undefined, never>;
  ip: string | null;
  createdAt: CreatedAt;
}

export type DocumentKind = "note" | "wiki" | "practice" | "minutes" | "agenda_notes";
export type DocumentVisibility = "network" | "organisation";
export type RevisionReason = "auto" | "manual" | "event" | "restore";

export interface DocumentsTable {
  id: Generated<string>;
  networkId: string;
  kind: DocumentKind;
  title: string;
  ownerOrganisationId: string | null;
  visibility: Generated<DocumentVisibility>;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
  /** Knowledge documents only (kinds 'wiki' and 'practice'). */
  sectionId: string | null;
  position: Generated<number>;
  ownerUserId: string | null;
  /** A `date` column: read it as text (`review_on::text`). */
  reviewOn: ColumnType<string | null, string | null | undefined, string | null>;
  readCount: Generated<number>;
}

/** The last day (network time zone) each member read a watch page or practice note: one read counted per day. */
export interface DocumentReadsTable {
  documentId: string;
  userId: string;
  readOn: ColumnType<string, string, string>;
}

export interface DocumentUpdatesTable {
  id: Generated<number>;
  documentId: string;
  update: Uint8Array;
  userId: string | null;
  createdAt: CreatedAt;
}

export interface DocumentSnapshotsTable {
  documentId: string;
  state: Uint8Array;
  lastUpdateId: number;
  contentJson: ColumnType<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>;
  contentHtml: string;
  contentText: string;
  updatedAt: Generated<Date>;
}

export interface DocumentRevisionsTable {
  id: Generated<number>;
  documentId: string;
  label: string;
  reason: RevisionReason;
  state: Uint8Array;
  contentJson: ColumnType<Record<string, unknown>, Record<string, unknown>, never>;
  contentHtml: string;
  contentText: string;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export type MeetingStatus = "planned" | "agenda_open" | "agenda_closed" | "held" | "minutes_published";
export type AgendaItemKind = "information" | "exchange" | "decision";
export type AgendaItemStatus = "proposed" | "accepted" | "deferred" | "declined";

export interface MeetingsTable {
  id: Generated<string>;
  networkId: string;
  hostOrganisationId: string;
  startsAt: Timestamp;
  durationMinutes: Generated<number>;
  place: string | null;
  accessDetails: string | null;
  hostTheme: string | null;
  status: Generated<MeetingStatus>;
  proposedHostOrganisationId: string | null;
  overrideReason: string | null;
  version: Generated<number>;
  minutesDocumentId: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface RotationPreferencesTable {
  organisationId: string;
  tieOrder: number | null;
  neverHosts: Generated<boolean>;
  updatedAt: Generated<Date>;
}

export interface RotationExceptionsTable {
  id: Generated<string>;
  organisationId: string;
  /** `date` columns: read them as text (`starts_on::text`) so both drivers return "2027-01-01". */
  startsOn: ColumnType<string, string, string>;
  endsOn: ColumnType<string, string, string>;
  reason: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export interface AgendaItemsTable {
  id: Generated<string>;
  meetingId: string;
  position: number;
  title: string;
  description: string | null;
  kind: AgendaItemKind;
  estimatedMinutes: number;
  proposingOrganisationId: string | null;
  proposedBy: string | null;
  status: Generated<AgendaItemStatus>;
  declineReason: string | null;
  carriedOverFromId: string | null;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export type AttendeeFunction = "elected" | "director" | "other";

export interface AttendanceTable {
  id: Generated<string>;
  meetingId: string;
  organisationId: string;
  name: string;
  function: AttendeeFunction;
  accessibilityNeeds: string | null;
  /** null until the host records, after the meeting, who actually came. */
  attended: boolean | null;
  registeredBy: string | null;
  createdAt: CreatedAt;
}

export type FollowUpStatus = "open" | "done" | "dropped";

export interface FollowUpActionsTable {
  id: Generated<string>;
  meetingId: string;
  title: string;
  ownerOrganisationId: string;
  /** A `date` column: read it as text (`due_on::text`). */
  dueOn: ColumnType<string, string, string>;
  status: Generated<FollowUpStatus>;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface AgendaSupportsTable {
  agendaItemId: string;
  userId: string;
  organisationId: string;
  createdAt: CreatedAt;
}

export interface NetworkThemesTable {
  id: Generated<string>;
  networkId: string;
  label: string;
  position: Generated<number>;
  createdAt: CreatedAt;
}

export interface DocumentThemesTable {
  documentId: string;
  themeId: string;
}

export interface WikiSectionsTable {
  id: Generated<string>;
  networkId: string;
  parentId: string | null;
  title: string;
  position: Generated<number>;
  createdAt: CreatedAt;
}

export interface PracticeNoteDetailsTable {
  documentId: string;
  cost: string | null;
  partners: string | null;
  contactName: string | null;
  contactDetails: string | null;
}

export interface LegalReferencesTable {
  id: Generated<string>;
  documentId: string;
  code: string;
  article: string;
  url: string | null;
  /** A `date` column: read it as text (`effective_on::text`). */
  effectiveOn: ColumnType<string | null, string | null | undefined, string | null>;
  position: Generated<number>;
}

export interface AgendaItemDocumentsTable {
  agendaItemId: string;
  documentId: string;
}

export interface CalendarFeedsTable {
  userId: string;
  tokenHash: string;
  createdAt: CreatedAt;
  lastUsedAt: Date | null;
}

export interface AttachmentsTable {
  id: Generated<string>;
  /** Exactly one owner is set (check constraint attachments_one_owner). */
  documentId: string | null;
  purchaseOfferId: string | null;
  conventionId: string | null;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  storageKey: string;
  uploadedBy: string | null;
  createdAt: CreatedAt;
}

export interface CommentsTable {
  id: Generated<string>;
  documentId: string;
  parentId: string | null;
  authorId: string | null;
  body: string;
  resolvedAt: Timestamp | null;
  resolvedBy: string | null;
  createdAt: CreatedAt;
}

export type NotificationKind = "mention" | "reply";

export interface NotificationsTable {
  id: Generated<string>;
  userId: string;
  kind: NotificationKind;
  documentId: string | null;
  commentId: string | null;
  actorUserId: string | null;
  createdAt: CreatedAt;
  readAt: Timestamp | null;
}

export type PurchaseStage = "needs" | "consultation" | "negotiation" | "award" | "execution" | "closed";
export type ParticipantDecision = "interested" | "joined" | "declined";
export type SplitMethodColumn = "equal" | "population" | "caseload" | "percentage" | "residual" | "per_inhabitant";
export type AbsStatusColumn = "not_started" | "provider_chosen" | "in_progress" | "presented";

export interface ProcurementThresholdsTable {
  id: Generated<number>;
  kind: "no_publicity" | "formalised";
  amountCents: number;
  validFrom: string;
  validUntil: string | null;
  source: string;
}

export interface GroupPurchasesTable {
  id: Generated<string>;
  networkId: string;
  subject: string;
  needDescription: string;
  coordinatingOrganisationId: string;
  contactName: string;
  contactEmail: string | null;
  joinDeadline: string;
  referenceDate: Generated<string>;
  stage: Generated<PurchaseStage>;
  awardedOfferId: string | null;
  awardReason: string | null;
  awardedAt: Timestamp | null;
  awardedBy: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export interface GroupPurchaseStageChangesTable {
  id: Generated<string>;
  purchaseId: string;
  fromStage: PurchaseStage | null;
  toStage: PurchaseStage;
  changedBy: string | null;
  changedAt: CreatedAt;
}

export interface GroupPurchaseParticipantsTable {
  purchaseId: string;
  organisationId: string;
  decision: ParticipantDecision;
  estimatedNeedCents: number | null;
  boardApprovedOn: string | null;
  orderDecision: "confirmed" | "declined" | null;
  orderDecidedAt: Timestamp | null;
  updatedBy: string | null;
  updatedAt: Generated<Date>;
}

export interface ProvidersTable {
  id: Generated<string>;
  networkId: string;
  name: string;
  siret: string;
  contact: string | null;
  createdAt: CreatedAt;
}

export interface PurchaseOffersTable {
  id: Generated<string>;
  purchaseId: string;
  providerId: string;
  pricingKind: "tiers" | "fixed_per_inhabitant";
  fixedCents: number | null;
  perInhabitantCents: number | null;
  notes: string | null;
  recordedBy: string | null;
  createdAt: CreatedAt;
}

export interface PurchaseOfferTiersTable {
  offerId: string;
  minParticipants: number;
  priceCents: number;
}

export interface ConventionsTable {
  id: Generated<string>;
  networkId: string;
  title: string;
  service: string;
  yearlyCostCents: number;
  splitMethod: SplitMethodColumn;
  cofinancerName: string | null;
  cofinancingBasisPoints: Generated<number>;
  /** Per-inhabitant key: what each party owes per inhabitant, in cents. */
  ratePerInhabitantCents: number | null;
  startsOn: string;
  renewsOn: string;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export interface ConventionPartiesTable {
  conventionId: string;
  organisationId: string;
  caseload: number | null;
  basisPoints: number | null;
}

export interface ConventionRemindersTable {
  conventionId: string;
  renewsOn: string;
  recipients: number;
  sentAt: CreatedAt;
}

export type MailKind = "convocation" | "comment" | "renewal_reminder";

/** An e-mail waiting for the delivery worker, or its record once sent or given up (app/features/mail/outbox.server.ts). */
export interface MailOutboxTable {
  id: Generated<string>;
  kind: MailKind;
  /** The meeting, comment or convention the message is about. */
  referenceId: string | null;
  recipient: string;
  subject: string;
  text: string;
  attachments: ColumnType<MailAttachment[], MailAttachment[] | undefined, MailAttachment[]>;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  attempts: Generated<number>;
  nextAttemptAt: ColumnType<Date, Date | string | undefined, Date | string>;
  claimedUntil: Timestamp | null;
  claimToken: string | null;
  sentAt: Timestamp | null;
  failedAt: Timestamp | null;
  lastError: string | null;
}

export interface MailAttachment {
  filename: string;
  content: string;
  contentType: string;
}

export interface AbsStatusesTable {
  organisationId: string;
  status: AbsStatusColumn;
  groupPurchaseId: string | null;
  presentedOn: string | null;
  updatedBy: string | null;
  updatedAt: Generated<Date>;
}

export type SearchKind = "wiki" | "practice" | "note" | "minutes" | "agenda" | "agenda_item";

/** Written only by the triggers of migration 0006: one row per searchable thing. */
export interface SearchEntriesTable {
  id: Generated<number>;
  source: string;
  kind: SearchKind;
  networkId: string;
  organisationId: string | null;
  restrictedToOrganisationId: string | null;
  documentId: string | null;
  meetingId: string | null;
  agendaItemId: string | null;
  title: string;
  themeIds: string[];
  year: number;
  excerpt: string;
  searchVector: string;
  /** Title and theme lexemes of searchVector (weights A and B), kept in the row: migration 0010. */
  headVector: GeneratedAlways<string>;
  /** The lexemes of searchVector without positions (strip), kept in the row and GIN-indexed: what `@@` reads (migration 0013). */
  matchVector: GeneratedAlways<string>;
  readCount: number;
  updatedAt: Date;
}

/** Personal API tokens: only the SHA-256 of the secret is kept. */
export interface ApiTokensTable {
  id: Generated<string>;
  userId: string;
  name: string;
  tokenHash: string;
  /** The first characters of the secret, shown so the user can tell tokens apart. */
  prefix: string;
  createdAt: Generated<Date>;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface Database {
  networks: NetworksTable;
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  passwordResets: PasswordResetsTable;
  rateLimits: RateLimitsTable;
  auditEvents: AuditEventsTable;
  documents: DocumentsTable;
  documentReads: DocumentReadsTable;
  documentUpdates: DocumentUpdatesTable;
  documentSnapshots: DocumentSnapshotsTable;
  documentRevisions: DocumentRevisionsTable;
  meetings: MeetingsTable;
  rotationPreferences: RotationPreferencesTable;
  rotationExceptions: RotationExceptionsTable;
  agendaItems: AgendaItemsTable;
  agendaSupports: AgendaSupportsTable;
  attendance: AttendanceTable;
  followUpActions: FollowUpActionsTable;
  networkThemes: NetworkThemesTable;
  documentThemes: DocumentThemesTable;
  wikiSections: WikiSectionsTable;
  practiceNoteDetails: PracticeNoteDetailsTable;
  legalReferences: LegalReferencesTable;
  agendaItemDocuments: AgendaItemDocumentsTable;
  calendarFeeds: CalendarFeedsTable;
  attachments: AttachmentsTable;
  comments: CommentsTable;
  notifications: NotificationsTable;
  procurementThresholds: ProcurementThresholdsTable;
  groupPurchases: GroupPurchasesTable;
  groupPurchaseStageChanges: GroupPurchaseStageChangesTable;
  groupPurchaseParticipants: GroupPurchaseParticipantsTable;
  providers: ProvidersTable;
  purchaseOffers: PurchaseOffersTable;
  purchaseOfferTiers: PurchaseOfferTiersTable;
  conventions: ConventionsTable;
  conventionParties: ConventionPartiesTable;
  conventionReminders: ConventionRemindersTable;
  absStatuses: AbsStatusesTable;
  searchEntries: SearchEntriesTable;
  apiTokens: ApiTokensTable;
  mailOutbox: MailOutboxTable;
}

export type Network = Selectable<NetworksTable>;
export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OrganisationUpdate = Updateable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type Document = Selectable<DocumentsTable>;
