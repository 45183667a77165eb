import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction, type DatabaseHandle } from "../../db/client.ts";
import { backend, createTestDatabase } from "../support/database.ts";

/**
 * PGlite has a single session. kysely-pglite 0.6 sent a query issued during
 * an open transaction into that transaction, so a rollback undid it too
 * (STACK.md). Kysely's own PGliteDialect must queue it until the
 * transaction ends. On PostgreSQL the two use separate connections.
 */

let database: DatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const windowStart = new Date("2026-01-01T00:00:00Z");

async function keys(prefix: string): Promise<string[]> {
  const rows = await database.db.selectFrom("rateLimits").select("key").where("key", "like", `${prefix}%`).orderBy("key").execute();
  return rows.map((row) => row.key);
}

describe(`transactions on ${backend}`, () => {
  it("a query issued while a transaction is open is not rolled back with it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insideDone = new Promise<void>((resolve) => (inserted = resolve));

    const transaction = database.db.transaction().execute(async (tx) => {
      await tx.insertInto("rateLimits").values({ key: "tx:inside", windowStart, hits: 1 }).execute();
      inserted();
      await gate;
      throw new Error("annulation voulue");
    });

    await insideDone;
    // Issued from outside while the transaction is still open.
    const outside = database.db.insertInto("rateLimits").values({ key: "tx:outside", windowStart, hits: 1 }).execute();
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();

    await expect(transaction).rejects.toThrow("annulation voulue");
    await outside;
    expect(await keys("tx:")).toEqual(["tx:outside"]);
  });

  it("a read from outside does not see the open transaction's uncommitted row", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insideDone = new Promise<void>((resolve) => (inserted = resolve));

    const transaction = database.db.transaction().execute(async (tx) => {
      await tx.insertInto("rateLimits").values({ key: "read:inside", windowStart, hits: 1 }).execute();
      inserted();
      await gate;
      throw new Error("annulation voulue");
    });
    await insideDone;
    const seen = keys("read:");
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await expect(transaction).rejects.toThrow();
    expect(await seen).toEqual([]);
  });

  it("inTransaction commits all or nothing, and joins an open transaction instead of nesting", async () => {
    await expect(
      inTransaction(database.db, async (tx) => {
        await tx.insertInto("rateLimits").values({ key: "all:one", windowStart, hits: 1 }).execute();
        await inTransaction(tx, async (inner) => {
          expect(inner).toBe(tx);
          await inner.insertInto("rateLimits").values({ key: "all:two", windowStart, hits: 1 }).execute();
        });
        throw new Error("échec après deux écritures");
      }),
    ).rejects.toThrow();
    expect(await keys("all:")).toEqual([]);

    await inTransaction(database.db, async (tx) => {
      await tx.insertInto("rateLimits").values({ key: "all:one", windowStart, hits: 1 }).execute();
      await inTransaction(tx, (inner) => inner.insertInto("rateLimits").values({ key: "all:two", windowStart, hits: 1 }).execute());
    });
    expect(await keys("all:")).toEqual(["all:one", "all:two"]);
  });

  it("returns the same types on both backends (int8 as number, timestamptz as Date, jsonb as object)", async () => {
    const event = await database.db
      .insertInto("auditEvents")
      .values({ action: "sign_in", detail: { email: "a@b.fr", nested: { n: 1 } } })
      .returning(["id", "createdAt", "detail"])
      .executeTakeFirstOrThrow();
    expect(typeof event.id).toBe("number");
    expect(event.createdAt).toBeInstanceOf(Date);
    expect(event.detail).toEqual({ email: "a@b.fr", nested: { n: 1 } });
    const { count } = await database.db
      .selectFrom("organisations")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .executeTakeFirstOrThrow();
    expect(typeof count).toBe("number");
    expect(count).toBe((await database.db.selectFrom("organisations").select("id").execute()).length);
    expect(count).toBeGreaterThan(0);
  });
});
