import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

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
  documentUpdates: DocumentUpdatesTable;
  documentSnapshots: DocumentSnapshotsTable;
  documentRevisions: DocumentRevisionsTable;
}

export type Network = Selectable<NetworksTable>;
export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OrganisationUpdate = Updateable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type Document = Selectable<DocumentsTable>;
