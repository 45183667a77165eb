import { sql } from "kysely";
import type { Executor } from "../../../db/client.ts";

/**
 * Read counts of watch pages and practice notes (`documents.read_count`, which search uses to lift often-read
 * content; a trigger of migration 0006 copies it to `search_entries`).
 *
 * A read is a member opening the page, counted at most once per member, page and day (the network's), so that
 * reloads and revisits do not inflate it. The page's author and its current responsible are not readers of their
 * own page: their visits are not counted. One statement: the member's row of `document_reads` is inserted or moved
 * to today, and only then is the count incremented; it answers the count after this read.
 */
export async function recordRead(db: Executor, input: { documentId: string; userId: string }): Promise<number> {
  const { rows } = await sql<{ readCount: number }>`
    with today as (
      select d.id, (now() at time zone n.time_zone)::date as day
      from documents d join networks n on n.id = d.network_id
      where d.id = ${input.documentId}
        and d.created_by is distinct from ${input.userId}
        and d.owner_user_id is distinct from ${input.userId}
    ),
    fresh as (
      insert into document_reads as r (document_id, user_id, read_on)
        select id, ${input.userId}, day from today
      on conflict (document_id, user_id) do update set read_on = excluded.read_on where r.read_on < excluded.read_on
      returning r.document_id
    ),
    counted as (
      update documents set read_count = read_count + 1 where id in (select document_id from fresh) returning read_count
    )
    select coalesce((select read_count from counted), (select read_count from documents where id = ${input.documentId}), 0)::int as read_count`.execute(db);
  return rows[0]?.readCount ?? 0;
}
