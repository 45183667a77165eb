import { createHash, randomBytes } from "node:crypto";

/** A URL-safe secret of 256 bits, for cookies and links sent by e-mail. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Only hashes are stored, so a copy of the database opens no session and no link. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
