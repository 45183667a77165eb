/**
 * npm run bench:search — French full-text search against a naive ILIKE scan, in the same run, on the same data.
 *
 * Fills a fresh database (a temporary PGlite folder, or a new database on the server of DATABASE_URL) with a
 * generated French corpus of the domain (seeded PRNG: the same corpus every run), then measures p50 and p99 of
 *   (a) the bare SQL: match + rank of the top 20 (the endpoint's ranking query: candidates among the most recent
 *       matches and the title/theme matches, then ts_rank_cd on those ~200), nothing else; ts_rank_cd over every
 *       match is printed too;
 *   (b) GET /api/v1/search over HTTP: token, permissions, ranking, total and facets (4 counts, capped at 1,000),
 *       snippets, JSON;
 *   (c) a naive scan: ILIKE '%word%' on title and text for every word, most recent first.
 *
 * Environment: BENCH_PER_QUERY=1 (p50 and p99 of each query too), BENCH_DOCS (100000), BENCH_ROUNDS (20 passes over the 20 queries for (a) and (b): 400 timings each, so that the p99 is not the single slowest one; (c) runs once),
 * DATABASE_URL (PostgreSQL instead of PGlite), BENCH_KEEP=1 (keep the database afterwards), BENCH_DB (the database's
 * name on PostgreSQL) or BENCH_DIR (PGlite's folder), BENCH_REUSE=1 (with BENCH_DB or BENCH_DIR and BENCH_KEEP: measure
 * again on the corpus a previous run left, after migrating it, instead of loading a new one).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { sql } from "kysely";
import postgres from "postgres";
import { loadConfig } from "../app/config.server.ts";
import { createApiToken } from "../app/features/api/tokens.server.ts";
import { rankOnly, rankOnlyQuery } from "../app/features/search/search.server.ts";
import { createDb, type DatabaseHandle, type DB } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { demoAccounts, seedDemo, VAL_PARISIS } from "../db/seed/demo.ts";
import { startServer } from "../server.ts";
import { freePort, startChildServer } from "../tests/support/child-server.ts";

const DOCS = Number(process.env.BENCH_DOCS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
/** BENCH_REUSE=1 with BENCH_DB (PostgreSQL) or BENCH_DIR (PGlite): keep an already loaded corpus, only migrate and measure. */
const REUSE = Boolean(process.env.BENCH_REUSE);
const BATCH = 500;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(20260523);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

// Words of the domain, most frequent first: a Zipf-like draw makes the first ones common and the last ones rare.
const VOCABULARY = (
  "personnes âgées accompagnement social aide domicile commune centre communal action sociale conseil administration " +
  "département dossier demande famille enfants logement insertion emploi revenu solidarité active bénéficiaire référent " +
  "partenaires association réunion service public accueil permanence orientation droits accès santé handicap autonomie " +
  "allocation personnalisée prestation compensation maison départementale personnes handicapées caisse allocations familiales " +
  "hébergement urgence sans domicile stable domiciliation précarité énergétique chèque énergie impayés fournisseur eau " +
  "portage repas liaison froide livraison isolement canicule registre plan alerte visites bénévoles téléassistance " +
  "séjours seniors vacances sorties transport solidaire mobilité chauffeurs véhicule navette marché courses " +
  "épicerie sociale colis alimentaires banque alimentaire distribution denrées bons secours secours exceptionnel " +
  "analyse besoins sociaux diagnostic territoire indicateurs observatoire population statistiques quartiers prioritaires " +
  "conseil municipal délibération budget subvention marché public groupement commandes mutualisation convention " +
  "maire arrêté mesures provisoires hospitalisation office soins psychiatriques représentant État préfet tiers " +
  "protection majeurs tutelle curatelle mandataire judiciaire juge contentieux recours gracieux commission " +
  "enfance petite crèche parentalité soutien scolaire jeunes mission locale contrat engagement apprentissage " +
  "violences conjugales mise abri écoute plainte gendarmerie victimes relogement bailleur social attribution " +
  "expulsion locative commission coordination prévention fonds solidarité dette loyer charges surendettement " +
  "numérique démarches ligne inclusion conseiller France services ordinateur atelier formation agents " +
  "ehpad résidence autonomie foyer logement aidants répit accueil jour dépendance gériatrie vieillissement " +
  "retraite pension minimum vieillesse complémentaire santé mutuelle communale couverture maladie universelle " +
  "évaluation bilan rapport activité annuel objectifs résultats coût financement cofinancement appel projets " +
  "aménagement adaptation salle bain travaux habitat indigne insalubrité signalement visite technique " +
  "funérailles obsèques indigents cimetière concession inhumation famille recherche héritiers notaire " +
  "pharmacie médecin infirmière centre santé vaccination dépistage prévention addictions alcool tabac " +
  "migrants demandeurs asile réfugiés titre séjour préfecture interprète traduction cours langue française " +
  "gens voyage aire accueil stationnement scolarisation domiciliation administrative élection domicile " +
  "saisonniers agriculture viticulture hébergement temporaire camping ouvriers intérim précaires"
).split(" ");
const ABBREVIATIONS = ["CCAS", "CIAS", "RSA", "SDRE", "ABS", "APA", "PCH", "CAF", "MDPH", "EHPAD", "FSL", "CESF", "ANCV", "UDAF"];
const FUNCTION_WORDS = ["le", "la", "les", "des", "du", "de", "et", "pour", "avec", "dans", "sur", "au", "aux", "un", "une", "par", "en", "qui", "est", "sont"];

function zipfWord(): string {
  // Skewed towards the start of the list: index = n * u^2.2.
  return VOCABULARY[Math.floor(VOCABULARY.length * Math.pow(random(), 2.2))]!;
}

function sentence(): string {
  const words: string[] = [];
  const length = 8 + Math.floor(random() * 14);
  for (let i = 0; i < length; i++) {
    const draw = random();
    words.push(draw < 0.35 ? pick(FUNCTION_WORDS) : draw < 0.37 ? pick(ABBREVIATIONS) : zipfWord());
  }
  const text = words.join(" ");
  return `${text[0]!.toUpperCase()}${text.slice(1)}${random() < 0.1 ? " (l’article L. 123-5 du CASF)" : ""}.`;
}

function paragraph(chars: number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < chars) {
    const next = sentence();
    parts.push(next);
    size += next.length + 1;
  }
  return parts.join(" ");
}

/** Realistic lengths: most notes are short, some long, a few are 200 KB (a copied decree, a full annual report). */
function documentLength(): number {
  const draw = random();
  if (draw < 0.001) return 200_000;
  if (draw < 0.03) return 4_000 + Math.floor(random() * 26_000);
  if (draw < 0.3) return 1_200 + Math.floor(random() * 2_800);
  return 200 + Math.floor(random() * 1_000);
}

function title(): string {
  const words = Array.from({ length: 3 + Math.floor(random() * 6) }, () => (random() < 0.08 ? pick(ABBREVIATIONS) : zipfWord()));
  return `${words[0]![0]!.toUpperCase()}${words.join(" ").slice(1)}`;
}

const QUERIES = [
  "personnes agees",
  "portage de repas",
  "hospitalisation d'office",
  "hospitalisation d’office mesures provisoires",
  "séjour senior",
  "SDRE",
  "RSA référent",
  "ABS diagnostic",
  "precarite energetique",
  "cheque energie impayes",
  "domiciliation sans domicile stable",
  "epicerie sociale",
  "transport solidaire",
  "groupement de commandes",
  "violences conjugales relogement",
  "aidants répit",
  "tutelle curatelle",
  "accueil",
  "gens du voyage",
  "saisonniers viticulture",
];

async function freshDatabase(): Promise<{ handle: DatabaseHandle; dispose(): Promise<void>; keep(): Promise<void>; where: string }> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const name = process.env.BENCH_DB ?? `tablee_bench_${process.pid}`;
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`BENCH_DB : nom de base invalide (${name})`);
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
    if (!(REUSE && exists)) {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.unsafe(`CREATE DATABASE ${name}`);
    }
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const handle = await createDb({ databaseUrl: url.toString(), maxConnections: 10 });
    return {
      handle,
      where: `PostgreSQL (${url.host}/${name})`,
      async dispose() {
        await handle.close();
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
      // An open client keeps Node running: close both, and leave the database.
      async keep() {
        await handle.close();
        await admin.end();
      },
    };
  }
  const dir = process.env.BENCH_DIR ?? mkdtempSync(path.join(tmpdir(), "tablee-bench-search-"));
  if (process.env.BENCH_DIR && !REUSE) rmSync(path.join(dir, "data"), { recursive: true, force: true });
  const handle = await createDb({ dataDir: path.join(dir, "data") });
  return {
    handle,
    where: `PGlite (${dir})`,
    async dispose() {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
    keep: () => handle.close(),
  };
}

const EMPTY_YJS_UPDATE = Buffer.from([0, 0]);

/** Multi-row inserts with the search triggers off, then the index built once per document by the same function. */
async function load(db: DB, networkId: string): Promise<void> {
  const organisations = await db.selectFrom("organisations").select("id").where("networkId", "=", networkId).execute();
  const themes = await db.selectFrom("networkThemes").select("id").where("networkId", "=", networkId).execute();
  const kinds = ["wiki", "practice", "note"] as const;
  let bytes = 0;
  const started = performance.now();
  await db.connection().execute(async (connection) => {
    await sql`set session_replication_role = replica`.execute(connection);
    for (let offset = 0; offset < DOCS; offset += BATCH) {
      const size = Math.min(BATCH, DOCS - offset);
      const rows = Array.from({ length: size }, () => {
        const kind = pick(kinds);
        const draft = kind === "practice" && random() < 0.08;
        const createdAt = new Date(Date.UTC(2019 + Math.floor(random() * 8), Math.floor(random() * 12), 1 + Math.floor(random() * 28)));
        const text = paragraph(documentLength());
        bytes += text.length;
        return {
          document: {
            networkId,
            kind,
            title: title(),
            ownerOrganisationId: kind === "wiki" ? null : pick(organisations).id,
            visibility: draft ? ("organisation" as const) : ("network" as const),
            createdAt,
            updatedAt: new Date(createdAt.getTime() + random() * 200 * 86_400_000),
            readCount: Math.floor(Math.pow(random(), 3) * 400),
          },
          text,
          themeIds: [...new Set(Array.from({ length: Math.floor(random() * 3) }, () => pick(themes).id))],
        };
      });
      const inserted = await connection
        .insertInto("documents")
        .values(rows.map((row) => row.document))
        .returning("id")
        .execute();
      await connection
        .insertInto("documentSnapshots")
        .values(
          rows.map((row, index) => ({
            documentId: inserted[index]!.id,
            state: EMPTY_YJS_UPDATE,
            lastUpdateId: 0,
            contentJson: {},
            contentHtml: "",
            contentText: row.text,
          })),
        )
        .execute();
      const themeRows = rows.flatMap((row, index) => row.themeIds.map((themeId) => ({ documentId: inserted[index]!.id, themeId })));
      if (themeRows.length) await connection.insertInto("documentThemes").values(themeRows).execute();
      if ((offset / BATCH) % 20 === 0) process.stdout.write(`\r  documents : ${offset + size} / ${DOCS}`);
    }
    await sql`set session_replication_role = default`.execute(connection);
  });
  const inserted = performance.now();
  console.log(`\r  documents : ${DOCS} (${round(bytes / 1e6)} Mo de texte) insérés en ${round((inserted - started) / 1000)} s`);
  const ids = await db.selectFrom("documents").select("id").where("networkId", "=", networkId).execute();
  for (let offset = 0; offset < ids.length; offset += BATCH) {
    const batch = ids.slice(offset, offset + BATCH).map((row) => row.id);
    await sql`select search_refresh_document(id) from unnest(${sql`string_to_array(${batch.join(",")}, ',')::uuid[]`}) as id`.execute(db);
    if ((offset / BATCH) % 20 === 0) process.stdout.write(`\r  index : ${offset + batch.length} / ${ids.length}`);
  }
  console.log(`\r  index construit en ${round((performance.now() - inserted) / 1000)} s (${ids.length} entrées)          `);
}

/**
 * As benchmarks of PostgreSQL do before they measure (pgbench vacuums): otherwise a freshly loaded table is vacuumed by
 * autovacuum (where it is on), its pages' hint bits are written by the first reads, and the checkpoint the load caused
 * writes its hundreds of megabytes out while the timings run.
 */
async function settle(db: DB): Promise<void> {
  const started = performance.now();
  await sql`vacuum (analyze)`.execute(db);
  await sql`checkpoint`.execute(db);
  console.log(`  vacuum, analyze et checkpoint en ${round((performance.now() - started) / 1000)} s`);
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function main() {
  const { handle, dispose, keep, where } = await freshDatabase();
  const { db } = handle;
  console.log(`Banc d'essai de la recherche — ${DOCS} documents, ${where}`);
  await migrateToLatest(db);
  await seedDemo(db);
  const network = await db.selectFrom("networks").select(["id", "slug"]).where("name", "=", VAL_PARISIS.name).executeTakeFirstOrThrow();
  const loaded = await db.selectFrom("documents").select((eb) => eb.fn.countAll<number>().as("count")).where("networkId", "=", network.id).executeTakeFirstOrThrow();
  if (REUSE && Number(loaded.count) >= DOCS) {
    console.log(`  corpus déjà chargé (${loaded.count} documents) : BENCH_REUSE`);
  } else {
    await load(db, network.id);
  }
  await settle(db);

  const staff = demoAccounts.find((account) => account.network === "val-parisis" && account.role === "staff")!;
  const user = await db.selectFrom("users").select("id").where("email", "=", staff.email).executeTakeFirstOrThrow();
  // A reused corpus keeps the tokens of earlier runs, and a user may hold 20 at most.
  await db.deleteFrom("apiTokens").where("userId", "=", user.id).where("name", "=", "Banc d'essai").execute();
  const created = await createApiToken(db, { userId: user.id, name: "Banc d'essai" });
  if (!created.ok) throw new Error(created.message);
  // On PostgreSQL the app runs in its own process, as in production, so that the measuring client's work (fetch, JSON)
  // and garbage are not the server's; an embedded database is opened by one process only, so on PGlite it runs here.
  const server =
    handle.url
      ? await startChildServer({ DATABASE_URL: handle.url, TABLEE_DEMO: "0", LOG_LEVEL: "silent" }, await freePort(), process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean)).then((child) => ({
          url: child.url,
          close: () => child.stop(),
        }))
      : await startServer({
          config: loadConfig({ NODE_ENV: "production", HOST: "127.0.0.1", SESSION_SECRET: "bench-secret-bench-secret-bench-secret-0", DATA_DIR: "/tmp/tablee-bench-unused", TABLEE_DEMO: "0", LOG_LEVEL: "silent" }),
          database: handle,
          port: 0,
          log: () => {},
          scheduledJobs: false,
        });

  // (a) The endpoint's own ranking query (search.server.ts), alone.
  const bareSql = (query: string) => rankOnly(db, network.id, query);
  // For comparison only: ts_rank_cd over every match, the naive way to rank full text.
  const rankEverything = (query: string) =>
    sql`select e.id, ts_rank_cd('{0.1, 0.3, 0.6, 1.0}'::float4[], e.search_vector, q.query, 1) as rank
        from search_entries e, websearch_to_tsquery('fr_unaccent', ${query}) as q(query)
        where e.search_vector @@ q.query and e.network_id = ${network.id}
        order by rank desc limit 20`.execute(db);
  // node:http on one kept-alive connection, asking for gzip as a browser does: undici's fetch spends about 1 ms of its
  // own per call here (1.5 ms against a server that answers "ok"), which is the measuring client's, not the endpoint's.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const endpoint = (query: string) =>
    new Promise<unknown>((resolve, reject) => {
      const address = `/api/v1/search?q=${encodeURIComponent(query)}`;
      httpRequest(`${server.url}${address}`, { agent, headers: { authorization: `Bearer ${created.token}`, "accept-encoding": "gzip" } }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const body = Buffer.concat(chunks);
          const text = (response.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body).toString("utf8");
          if (response.statusCode !== 200) reject(new Error(`GET ${address} : ${response.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
      })
        .on("error", reject)
        .end();
    });
  const ilike = (query: string) => {
    const words = query.split(/[\s'’]+/).filter((word) => word.length > 2);
    const patterns = words.map((word) => `%${word}%`);
    return sql`select d.id, d.title from documents d join document_snapshots s on s.document_id = d.id
      where d.network_id = ${network.id} and (d.title || ' ' || s.content_text) ilike all (string_to_array(${patterns.join("\u0001")}, ${"\u0001"}))
      order by d.updated_at desc limit 20`.execute(db);
  };

  if (process.env.BENCH_EXPLAIN) {
    const compiled = rankOnlyQuery(network.id, QUERIES[0]!).compile(db);
    for (const setting of ["on", "off"]) {
      await db.connection().execute(async (connection) => {
        await sql`set enable_seqscan = ${sql.raw(setting)}`.execute(connection);
        const { rows } = await sql`explain (analyze, buffers) ${sql.raw(compiled.sql.replace(/\$(\d+)/g, (_, n) => `'${String(compiled.parameters[Number(n) - 1])}'`))}`.execute(connection);
        console.log(`enable_seqscan = ${setting}`, rows.map((row) => Object.values(row as object)[0]).join("\n"));
        await sql`set enable_seqscan = on`.execute(connection);
      });
    }
  }
  // Warm-up: one pass of each, so caches and the query planner are in the same state for all three.
  for (const query of QUERIES) {
    await bareSql(query);
    await endpoint(query);
  }
  await db.deleteFrom("rateLimits").execute();

  const sqlTimes: number[] = [];
  const endpointTimes: number[] = [];
  const perQuery: Record<string, { sql: number[]; endpoint: number[] }> = {};
  const ilikeTimes: number[] = [];
  let matched = 0;
  for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
    for (const query of QUERIES) {
      sqlTimes.push(await time(() => bareSql(query)));
      endpointTimes.push(
        await time(async () => {
          const body = (await endpoint(query)) as { total: number };
          if (roundIndex === 0) matched += body.total;
        }),
      );
      (perQuery[query] ??= { sql: [], endpoint: [] }).sql.push(sqlTimes.at(-1)!);
      perQuery[query].endpoint.push(endpointTimes.at(-1)!);
    }
    // Stay under the per-token limit (300 requests a minute) whatever the machine's speed.
    await db.deleteFrom("rateLimits").execute();
  }
  const rankEverythingTimes: number[] = [];
  for (const query of QUERIES) rankEverythingTimes.push(await time(() => rankEverything(query)));
  for (const query of QUERIES) ilikeTimes.push(await time(() => ilike(query)));

  const figures = {
    docs: DOCS,
    database: handle.kind,
    queries: QUERIES.length,
    rounds: ROUNDS,
    mean_matches: Math.round(matched / QUERIES.length),
    sql_p50_ms: round(percentile(sqlTimes, 50)),
    sql_p99_ms: round(percentile(sqlTimes, 99)),
    endpoint_p50_ms: round(percentile(endpointTimes, 50)),
    endpoint_p99_ms: round(percentile(endpointTimes, 99)),
    rank_all_matches_p50_ms: round(percentile(rankEverythingTimes, 50)),
    rank_all_matches_p99_ms: round(percentile(rankEverythingTimes, 99)),
    ilike_p50_ms: round(percentile(ilikeTimes, 50)),
    ilike_p99_ms: round(percentile(ilikeTimes, 99)),
    p99_ratio_vs_sql: 0,
    speedup_vs_ilike: 0,
  };
  figures.p99_ratio_vs_sql = round(figures.endpoint_p99_ms / figures.sql_p99_ms, 2);
  figures.speedup_vs_ilike = round(figures.ilike_p99_ms / figures.endpoint_p99_ms, 1);

  console.log("");
  if (process.env.BENCH_PER_QUERY) {
    for (const [query, times] of Object.entries(perQuery)) {
      console.log(`  ${query.padEnd(45)} (a) p50 ${round(percentile(times.sql, 50))} p99 ${round(percentile(times.sql, 99))}   (b) p50 ${round(percentile(times.endpoint, 50))} p99 ${round(percentile(times.endpoint, 99))}`);
    }
  }
  console.log(`(a) SQL seule (correspondance + classement)   p50 ${figures.sql_p50_ms} ms   p99 ${figures.sql_p99_ms} ms`);
  console.log(`(b) GET /api/v1/search (HTTP, droits, facettes, extraits)   p50 ${figures.endpoint_p50_ms} ms   p99 ${figures.endpoint_p99_ms} ms`);
  console.log(`    pour comparaison, ts_rank_cd sur toutes les correspondances   p50 ${figures.rank_all_matches_p50_ms} ms   p99 ${figures.rank_all_matches_p99_ms} ms`);
  console.log(`(c) ILIKE naïf (référence)   p50 ${figures.ilike_p50_ms} ms   p99 ${figures.ilike_p99_ms} ms`);
  console.log(`(b)/(a) au p99 : ${figures.p99_ratio_vs_sql} (objectif ≤ 1,5)   (c)/(b) au p99 : ${figures.speedup_vs_ilike} (objectif ≥ 50)`);
  agent.destroy();
  await server.close();
  // BENCH_KEEP=1 leaves the database for EXPLAIN ANALYZE afterwards.
  if (process.env.BENCH_KEEP) await keep();
  else await dispose();
  console.log(JSON.stringify(figures));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
