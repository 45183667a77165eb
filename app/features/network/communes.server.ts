import { createRequire } from "node:module";
import { foldForSearch } from "./normalise.ts";

/**
 * The French communes directory, from @etalab/decoupage-administratif (Licence
 * Ouverte). Its package 6.0.0 is the 2026 vintage: municipal populations are
 * INSEE's "populations légales 2023", in force since 1 January 2026.
 */
export const POPULATION_YEAR = 2023;
export const COMMUNES_SOURCE = "INSEE, populations légales 2023 (découpage administratif 2026, Etalab)";

export interface Commune {
  code: string;
  name: string;
  departmentCode: string;
  postalCodes: string[];
  population: number | null;
}

export interface Epci {
  code: string;
  name: string;
  memberCodes: string[];
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement: string;
  codesPostaux?: string[];
  population?: number;
}

interface RawEpci {
  code: string;
  nom: string;
  membres: Array<{ code: string }>;
}

interface IndexedCommune extends Commune {
  folded: string;
}

// The package's main entry reads from the current directory: require the JSON files directly.
const require = createRequire(import.meta.url);
let communes: IndexedCommune[] | undefined;
let byCode: Map<string, IndexedCommune> | undefined;

function loadCommunes(): IndexedCommune[] {
  if (!communes) {
    const raw = require("@etalab/decoupage-administratif/data/communes.json") as RawCommune[];
    // Delegated and associated communes repeat INSEE codes: keep current communes only.
    communes = raw
      .filter((commune) => commune.type === "commune-actuelle")
      .map((commune) => ({
        code: commune.code,
        name: commune.nom,
        departmentCode: commune.departement,
        postalCodes: commune.codesPostaux ?? [],
        population: commune.population ?? null,
        folded: foldForSearch(commune.nom),
      }));
    byCode = new Map(communes.map((commune) => [commune.code, commune]));
  }
  return communes;
}

function strip({ folded: _folded, ...commune }: IndexedCommune): Commune {
  return commune;
}

export function findCommune(code: string): Commune | undefined {
  loadCommunes();
  const commune = byCode!.get(code);
  return commune && strip(commune);
}

/**
 * Searches by name (accent- and case-insensitive, any word's start) or by
 * postcode (digits). Best matches first, then larger communes first.
 */
export function searchCommunes(query: string, limit = 20): Commune[] {
  const folded = foldForSearch(query);
  if (folded.length < 2) return [];
  const all = loadCommunes();
  if (/^\d{2,5}$/.test(folded)) {
    return all
      .filter((commune) => commune.postalCodes.some((postalCode) => postalCode.startsWith(folded)) || commune.code === folded)
      .sort(byPopulation)
      .slice(0, limit)
      .map(strip);
  }
  const scored: Array<[number, IndexedCommune]> = [];
  for (const commune of all) {
    const score = matchScore(commune.folded, folded);
    if (score > 0) scored.push([score, commune]);
  }
  return scored
    .sort((a, b) => b[0] - a[0] || byPopulation(a[1], b[1]))
    .slice(0, limit)
    .map(([, commune]) => strip(commune));
}

function matchScore(name: string, query: string): number {
  if (name === query) return 4;
  if (name.startsWith(query)) return 3;
  if (name.includes(` ${query}`)) return 2;
  if (query.includes(" ") && query.split(" ").every((word) => name.includes(word))) return 1;
  return 0;
}

function byPopulation(a: Commune, b: Commune): number {
  return (b.population ?? 0) - (a.population ?? 0) || a.name.localeCompare(b.name, "fr");
}

export function findEpci(code: string): Epci | undefined {
  const raw = require("@etalab/decoupage-administratif/data/epci.json") as RawEpci[];
  const epci = raw.find((candidate) => candidate.code === code);
  return epci && { code: epci.code, name: epci.nom, memberCodes: epci.membres.map((member) => member.code) };
}
