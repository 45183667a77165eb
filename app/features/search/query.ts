/**
 * What a user typed, made ready for PostgreSQL's `websearch_to_tsquery('fr_unaccent', …)`:
 * pure so that every rule below is unit-tested (tests/unit/search-query.test.ts).
 */

/** Longer queries are cut here: nobody types more, and it bounds the work of the database. */
export const MAX_QUERY_LENGTH = 200;
/** Words of a query, after the cut: each one is an index look-up. */
export const MAX_QUERY_WORDS = 16;

// Frequent French words that PostgreSQL's French stop-word list keeps ("les" becomes "le"…):
// dropped from queries so that "les aides" means "aides", not "every text with an article".
const EXTRA_STOP_WORDS = new Set(["les", "ou", "où", "donc", "ni", "dont", "quoi", "cette", "cet", "ces", "il", "ils", "elle", "elles", "car"]);

export interface PreparedQuery {
  /** The text handed to websearch_to_tsquery ("" when nothing is left to search). */
  text: string;
  /** The last word being typed, for prefix suggestions (letters and digits only: safe inside to_tsquery). */
  prefix: string | null;
  /** The text without its last word, when suggesting. */
  head: string;
  truncated: boolean;
}

const APOSTROPHES = /[\u2019\u2018\u02bc\u00b4`\u2032]/g;
// Hyphen-minus and the Unicode dashes: "porte-à-porte", "Saint‑Denis", "d'office–SDRE" become separate words,
// which the index also holds separately (fr_unaccent maps hyphenated parts), so they are ANDed, not phrased.
const HYPHENS = /[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g;
// Everything but letters, digits, apostrophes, double quotes (websearch phrases) and spaces.
const NOISE = /[^\p{L}\p{N}'"\s]/gu;

export function prepareQuery(raw: string): PreparedQuery {
  let text = raw.normalize("NFC");
  const truncated = text.length > MAX_QUERY_LENGTH;
  if (truncated) text = text.slice(0, MAX_QUERY_LENGTH);
  text = text.replace(APOSTROPHES, "'").replace(HYPHENS, " ").replace(NOISE, " ");
  const typingLastWord = !/\s$/.test(text);
  const words = text
    .split(/\s+/)
    .filter((word) => word.replace(/['"]/g, "") !== "")
    .filter((word) => !EXTRA_STOP_WORDS.has(word.toLowerCase()))
    .slice(0, MAX_QUERY_WORDS);
  const joined = words.join(" ");
  const last = words.at(-1);
  const prefixMatch = typingLastWord && last ? /[\p{L}\p{N}]+$/u.exec(last) : null;
  const prefix = prefixMatch && prefixMatch[0].length >= 2 ? prefixMatch[0].toLowerCase() : null;
  return {
    text: balanceQuotes(joined),
    prefix,
    head: prefix ? balanceQuotes(words.slice(0, -1).join(" ")) : balanceQuotes(joined),
    truncated,
  };
}

function balanceQuotes(text: string): string {
  return (text.match(/"/g)?.length ?? 0) % 2 === 0 ? text : text.replace(/"/g, " ").replace(/\s+/g, " ").trim();
}

/** Markers put around matched words in snippets: private-use characters no French text contains. */
export const MARK_START = "\ue000";
export const MARK_END = "\ue001";

export interface SnippetPart {
  text: string;
  matched: boolean;
}

/** A snippet cut into plain and matched parts: rendered as text nodes and <mark>, never as HTML. */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const [index, piece] of snippet.split(MARK_START).entries()) {
    if (index === 0) {
      if (piece) parts.push({ text: stripMarkers(piece), matched: false });
      continue;
    }
    const end = piece.indexOf(MARK_END);
    const matched = end === -1 ? piece : piece.slice(0, end);
    const rest = end === -1 ? "" : piece.slice(end + 1);
    if (matched) parts.push({ text: stripMarkers(matched), matched: true });
    if (rest) parts.push({ text: stripMarkers(rest), matched: false });
  }
  return parts;
}

function stripMarkers(text: string): string {
  return text.replaceAll(MARK_START, "").replaceAll(MARK_END, "");
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** For the JSON API: escape first, then mark, so a document's text can never inject markup. */
export function snippetHtml(snippet: string): string {
  return snippetParts(snippet)
    .map(({ text, matched }) => {
      const escaped = text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
      return matched ? `<mark>${escaped}</mark>` : escaped;
    })
    .join("");
}

export function snippetText(snippet: string): string {
  return stripMarkers(snippet);
}
