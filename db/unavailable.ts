import { CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type Kysely } from "kysely";

export const DATABASE_UNAVAILABLE_MESSAGE = "Tablée ne joint plus sa base de données pour l'instant. Réessayez dans quelques instants : rien de ce qui a été enregistré n'est perdu.";

/**
 * The database cannot be reached (connection refused, cut or timed out, server restarting): a passing
 * condition, not a bug. It carries the shape of a Remix error response (status, statusText, internal,
 * data) so that a loader or action that meets it answers 503 with the French "try again" page instead of
 * a 500; it is deliberately not an `Error`, which Remix would replace by an anonymous 500 in production.
 */
export class DatabaseUnavailableError {
  readonly status = 503;
  readonly statusText = "Service Unavailable";
  readonly internal = false;
  readonly data = DATABASE_UNAVAILABLE_MESSAGE;
  readonly message: string;
  readonly cause: unknown;

  constructor(cause: unknown) {
    this.cause = cause;
    this.message = `base de données injoignable (${describe(cause)})`;
  }

  toString(): string {
    return this.message;
  }
}

export function isDatabaseUnavailable(error: unknown): error is DatabaseUnavailableError {
  return error instanceof DatabaseUnavailableError;
}

// postgres.js and Node network codes, and the SQLSTATEs of a server that drops or refuses connections.
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
]);

/** Whether `error` says the database could not be reached, as opposed to a query it refused. */
export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return CONNECTION_CODES.has(code) || code.startsWith("08");
}

function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return [code, message].filter((part) => typeof part === "string" && part.length > 0).join(" : ") || String(error);
}

function translate(error: unknown): never {
  throw isConnectionFailure(error) ? new DatabaseUnavailableError(error) : error;
}

/** Every promise-returning method of `target` rethrows connection failures as `DatabaseUnavailableError`. */
function translatingFailures<T extends object>(target: T, wrapResult?: (name: string, value: unknown) => unknown): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = value.apply(object, args);
        } catch (error) {
          translate(error);
        }
        if (result instanceof Promise) {
          return result.then((resolved) => (wrapResult ? wrapResult(String(property), resolved) : resolved), translate);
        }
        return result;
      };
    },
  });
}

/** Wraps a Kysely dialect so that every query, connection and transaction step reports unreachability alike. */
export function reportingUnavailability(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db: Kysely<unknown>) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: (): Driver => {
      const driver = translatingFailures(dialect.createDriver(), (name, value) =>
        name === "acquireConnection" ? translatingFailures(value as DatabaseConnection) : value,
      );
      return new Proxy(driver, {
        get(target, property) {
          // kysely-postgres-js 5 inherits Kysely's PostgresDriver rollback, whose failure path calls a method its
          // connections lack: a rollback on a lost connection threw a TypeError instead of the connection error.
          // The server rolls back a lost connection's transaction by itself.
          if (property === "rollbackTransaction") {
            return async (connection: DatabaseConnection) => void (await connection.executeQuery(CompiledQuery.raw("rollback")));
          }
          return Reflect.get(target, property);
        },
      });
    },
  };
}
