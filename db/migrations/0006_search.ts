import { sql, type Kysely } from "kysely";

/**
 * One French full-text index over everything a network writes: watch pages, practice notes, shared notes,
 * minutes, meetings' agendas and agenda items. `search_entries` holds one row per searchable thing with a
 * stored, GIN-indexed tsvector; triggers on the source tables keep it current, so features that write
 * documents or agendas never have to remember search (docs/decisions/007-search-index.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // 0001 creates unaccent already; repeated so this migration stands on its own.
  await sql`create extension if not exists unaccent`.execute(db);
  await sql`create text search configuration fr_unaccent (copy = french)`.execute(db);
  await sql`
    alter text search configuration fr_unaccent
      alter mapping for hword, hword_part, word, asciihword, hword_asciipart, asciiword
      with unaccent, french_stem`.execute(db);

  await db.schema
    .createTable("search_entries")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    // 'document:<id>', 'agenda:<meeting id>' or 'agenda_item:<id>': what the row was built from.
    .addColumn("source", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('wiki', 'practice', 'note', 'minutes', 'agenda', 'agenda_item')`),
    )
    .addColumn("network_id", "uuid", (c) => c.notNull().references("networks.id").onDelete("cascade"))
    // The CCAS the content belongs to (author of a note, host of a meeting, proposer of an item).
    .addColumn("organisation_id", "uuid", (c) => c.references("organisations.id").onDelete("set null"))
    // Set for a CCAS's draft: only that CCAS's members may find it (permissions.ts, document.read).
    .addColumn("restricted_to_organisation_id", "uuid", (c) => c.references("organisations.id").onDelete("cascade"))
    .addColumn("document_id", "uuid", (c) => c.references("documents.id").onDelete("cascade"))
    .addColumn("meeting_id", "uuid", (c) => c.references("meetings.id").onDelete("cascade"))
    .addColumn("agenda_item_id", "uuid", (c) => c.references("agenda_items.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("theme_ids", sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("year", "integer", (c) => c.notNull())
    // The start of the body: ts_headline runs on this bounded prefix only, never on a 200 KB text.
    .addColumn("excerpt", "text", (c) => c.notNull())
    .addColumn("search_vector", sql`tsvector`, (c) => c.notNull())
    // Small and kept in the row: ranks candidates cheaply before the full tsvector is read (see search.server.ts).
    .addColumn("title_vector", sql`tsvector`, (c) => c.generatedAlwaysAs(sql`to_tsvector('fr_unaccent', title)`).stored())
    .addColumn("read_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  // Long values (excerpt, full tsvector) go to TOAST early: the rows a query scans stay small, and
  // the large columns are read only for the few rows that are ranked precisely or shown.
  await sql`alter table search_entries set (toast_tuple_target = 400)`.execute(db);
  // fastupdate off: no pending list to scan at every query (PGlite has no autovacuum to flush it); writes are per edit.
  await sql`create index search_entries_vector_idx on search_entries using gin (search_vector) with (fastupdate = off)`.execute(db);
  // No b-tree on network_id: every row of a network matches it, and the planner would then read each row's
  // tsvector to test `@@` instead of asking the GIN index (see withIndexScans in search.server.ts).
  await db.schema.createIndex("search_entries_document_idx").on("search_entries").column("document_id").execute();
  await db.schema.createIndex("search_entries_meeting_idx").on("search_entries").column("meeting_id").execute();

  await sql`
    create function search_refresh_document(target uuid) returns void language plpgsql as $fn$
    declare
      doc record;
      meeting_id uuid;
      meeting_starts_at timestamptz;
      meeting_host uuid;
      body text;
      theme_labels text;
      themes uuid[];
      legal text;
      details text;
    begin
      select * into doc from documents where id = target;
      if not found or doc.kind not in ('wiki', 'practice', 'note', 'minutes')
         or (doc.visibility = 'organisation' and doc.owner_organisation_id is null) then
        delete from search_entries where source = 'document:' || target;
        return;
      end if;
      -- Bounded so that no document can make a tsvector overflow (1 MB) and fail the write that triggered this.
      select left(s.content_text, 300000) into body from document_snapshots s where s.document_id = target;
      body := coalesce(body, '');
      select coalesce(string_agg(t.label, ' ' order by t.position), ''), coalesce(array_agg(t.id), '{}')
        into theme_labels, themes
        from document_themes dt join network_themes t on t.id = dt.theme_id
        where dt.document_id = target;
      select coalesce(string_agg(r.code || ' ' || r.article, ' '), '') into legal
        from legal_references r where r.document_id = target;
      select concat_ws(' ', p.partners, p.cost, p.contact_name) into details
        from practice_note_details p where p.document_id = target;
      if doc.kind = 'minutes' then
        select m.id, m.starts_at, m.host_organisation_id into meeting_id, meeting_starts_at, meeting_host from meetings m where m.minutes_document_id = target limit 1;
      end if;
      insert into search_entries as e (source, kind, network_id, organisation_id, restricted_to_organisation_id,
          document_id, meeting_id, title, theme_ids, year, excerpt, search_vector, read_count, updated_at)
        values (
          'document:' || target, doc.kind, doc.network_id,
          coalesce(doc.owner_organisation_id, meeting_host),
          case when doc.visibility = 'organisation' then doc.owner_organisation_id end,
          target, meeting_id, doc.title, themes,
          extract(year from coalesce(meeting_starts_at, doc.created_at) at time zone 'Europe/Paris')::int,
          left(body, 20000),
          setweight(to_tsvector('fr_unaccent', doc.title), 'A')
            || setweight(to_tsvector('fr_unaccent', theme_labels || ' ' || legal), 'B')
            || setweight(to_tsvector('fr_unaccent', body), 'C')
            || setweight(to_tsvector('fr_unaccent', coalesce(details, '')), 'D'),
          doc.read_count, doc.updated_at)
        on conflict (source) do update set
          kind = excluded.kind, network_id = excluded.network_id, organisation_id = excluded.organisation_id,
          restricted_to_organisation_id = excluded.restricted_to_organisation_id, meeting_id = excluded.meeting_id,
          title = excluded.title, theme_ids = excluded.theme_ids, year = excluded.year, excerpt = excluded.excerpt,
          search_vector = excluded.search_vector, read_count = excluded.read_count, updated_at = excluded.updated_at;
    end
    $fn$`.execute(db);

  await sql`
    create function search_refresh_agenda_item(target uuid) returns void language plpgsql as $fn$
    begin
      insert into search_entries as e (source, kind, network_id, organisation_id, meeting_id, agenda_item_id,
          title, year, excerpt, search_vector, updated_at)
        select 'agenda_item:' || i.id, 'agenda_item', m.network_id, i.proposing_organisation_id, m.id, i.id,
          i.title, extract(year from m.starts_at at time zone 'Europe/Paris')::int, coalesce(i.description, ''),
          setweight(to_tsvector('fr_unaccent', i.title), 'A')
            || setweight(to_tsvector('fr_unaccent', coalesce(m.host_theme, '')), 'B')
            || setweight(to_tsvector('fr_unaccent', coalesce(i.description, '')), 'C'),
          i.updated_at
        from agenda_items i join meetings m on m.id = i.meeting_id
        where i.id = target
        on conflict (source) do update set
          organisation_id = excluded.organisation_id, title = excluded.title, year = excluded.year,
          excerpt = excluded.excerpt, search_vector = excluded.search_vector, updated_at = excluded.updated_at;
    end
    $fn$`.execute(db);

  // A meeting's agenda as a whole: found by its date, host and theme, and by all its items together.
  await sql`
    create function search_refresh_agenda(target uuid) returns void language plpgsql as $fn$
    declare
      meeting record;
      host_name text;
      titles text;
      descriptions text;
    begin
      select m.*, n.time_zone into meeting from meetings m join networks n on n.id = m.network_id where m.id = target;
      if not found then return; end if;
      select o.name into host_name from organisations o where o.id = meeting.host_organisation_id;
      select coalesce(string_agg(i.title, E'\n' order by i.position), ''),
             coalesce(string_agg(i.description, E'\n' order by i.position), '')
        into titles, descriptions
        from agenda_items i where i.meeting_id = target and i.status <> 'declined';
      insert into search_entries as e (source, kind, network_id, organisation_id, meeting_id,
          title, year, excerpt, search_vector, updated_at)
        values ('agenda:' || target, 'agenda', meeting.network_id, meeting.host_organisation_id, target,
          'Ordre du jour du ' || to_char(meeting.starts_at at time zone meeting.time_zone, 'DD/MM/YYYY')
            || coalesce(' — ' || host_name, ''),
          extract(year from meeting.starts_at at time zone 'Europe/Paris')::int,
          left(titles || E'\n' || descriptions, 20000),
          setweight(to_tsvector('fr_unaccent', 'ordre du jour ' || coalesce(host_name, '')), 'A')
            || setweight(to_tsvector('fr_unaccent', coalesce(meeting.host_theme, '')), 'B')
            || setweight(to_tsvector('fr_unaccent', titles), 'C')
            || setweight(to_tsvector('fr_unaccent', descriptions), 'D'),
          meeting.updated_at)
        on conflict (source) do update set
          organisation_id = excluded.organisation_id, title = excluded.title, year = excluded.year,
          excerpt = excluded.excerpt, search_vector = excluded.search_vector, updated_at = excluded.updated_at;
    end
    $fn$`.execute(db);

  await sql`
    create function search_documents_changed() returns trigger language plpgsql as $fn$
    begin
      perform search_refresh_document(new.id);
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger search_documents_changed
      after insert or update of title, kind, visibility, owner_organisation_id, network_id on documents
      for each row execute function search_documents_changed()`.execute(db);

  // Reading a page or saving it touches only these two columns: no need to re-derive the tsvector.
  await sql`
    create function search_documents_counters() returns trigger language plpgsql as $fn$
    begin
      update search_entries set read_count = new.read_count, updated_at = new.updated_at
        where document_id = new.id and source = 'document:' || new.id;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger search_documents_counters after update of read_count, updated_at on documents
      for each row execute function search_documents_counters()`.execute(db);

  // Snapshots (compaction), themes, legal references and practice details: refresh the document they belong to.
  await sql`
    create function search_document_part_changed() returns trigger language plpgsql as $fn$
    begin
      if tg_op = 'DELETE' then
        perform search_refresh_document(old.document_id);
      else
        perform search_refresh_document(new.document_id);
      end if;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger search_snapshot_changed after insert or update of content_text on document_snapshots
      for each row execute function search_document_part_changed()`.execute(db);
  for (const table of ["document_themes", "legal_references", "practice_note_details"]) {
    await sql`
      create trigger ${sql.raw(`search_${table}_changed`)} after insert or update or delete on ${sql.table(table)}
        for each row execute function search_document_part_changed()`.execute(db);
  }

  await sql`
    create function search_theme_renamed() returns trigger language plpgsql as $fn$
    declare document uuid;
    begin
      for document in select document_id from document_themes where theme_id = new.id loop
        perform search_refresh_document(document);
      end loop;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger search_theme_renamed after update of label on network_themes
      for each row execute function search_theme_renamed()`.execute(db);

  await sql`
    create function search_agenda_item_changed() returns trigger language plpgsql as $fn$
    begin
      if tg_op = 'DELETE' then
        perform search_refresh_agenda(old.meeting_id);
      else
        perform search_refresh_agenda_item(new.id);
        perform search_refresh_agenda(new.meeting_id);
      end if;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger search_agenda_item_changed
      after insert or delete or update of title, description, status, proposing_organisation_id, meeting_id on agenda_items
      for each row execute function search_agenda_item_changed()`.execute(db);

  await sql`
    create function search_meeting_changed() returns trigger language plpgsql as $fn$
    declare item uuid;
    begin
      perform search_refresh_agenda(new.id);
      if tg_op = 'UPDATE' and new.starts_at is distinct from old.starts_at then
        for item in select id from agenda_items where meeting_id = new.id loop
          perform search_refresh_agenda_item(item);
        end loop;
      end if;
      if new.minutes_document_id is not null then
        perform search_refresh_document(new.minutes_document_id);
      end if;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger search_meeting_changed
      after insert or update of starts_at, host_organisation_id, host_theme, minutes_document_id on meetings
      for each row execute function search_meeting_changed()`.execute(db);

  // Personal API tokens for /api/v1 (same migration: the number reserved for search and its API).
  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await db.schema.createIndex("api_tokens_user_idx").on("api_tokens").column("user_id").execute();

  // What existed before this migration.
  await sql`select search_refresh_document(id) from documents`.execute(db);
  await sql`select search_refresh_agenda(id) from meetings`.execute(db);
  await sql`select search_refresh_agenda_item(id) from agenda_items`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("Migrations are forward-only.");
}
