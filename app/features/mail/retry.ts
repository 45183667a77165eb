/**
 * When a message the mail server did not take is tried again (docs/decisions/013-mail-outbox.md).
 *
 * The wait doubles after each failed attempt — 1 min, 2, 4, 8… — up to 4 hours, and the message is given up
 * after MAX_ATTEMPTS attempts: about 8 hours of trying, enough to outlast an afternoon's outage of the mail
 * server without piling up messages forever. A refusal the server says is final (an SMTP 5xx answer: unknown
 * mailbox, rejected sender) is not tried again.
 */
export const MAX_ATTEMPTS = 10;
export const FIRST_RETRY_MS = 60_000;
export const LONGEST_RETRY_MS = 4 * 3600_000;

/** The wait after the `attempts`-th failed attempt (1 for the first). */
export function retryDelayMs(attempts: number): number {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
  return Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), LONGEST_RETRY_MS);
}

/** A final refusal: the SMTP server answered 5xx. Connection errors and 4xx answers are worth another try. */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

export type FailureOutcome = { retryAt: Date } | { giveUp: true };

/** What becomes of a message whose `attempts`-th attempt (counting this one) just failed. */
export function afterFailure(attempts: number, now: Date, options: { permanent?: boolean } = {}): FailureOutcome {
  if (options.permanent || attempts >= MAX_ATTEMPTS) return { giveUp: true };
  return { retryAt: new Date(now.getTime() + retryDelayMs(attempts)) };
}
