import { stemmer as frenchStem } from "@orama/stemmers/french";

/**
 * Snippets, made in JavaScript from the stored excerpt and the query's lexemes: first the window of at most `width`
 * characters holding the most distinct matched words, then the matched words of that window marked. The database is
 * not asked (ts_headline cost ~0.3 ms per kilobyte and a round trip after the ranking), and a 200 KB page costs what a
 * short one does (docs/decisions/007-search-and-api.md).
 */

export const SNIPPET_WINDOW = 320;
const LEAD = 80;
const MAX_OCCURRENCES = 500;

const baseLetters = new Map<string, string>();

function baseLetter(character: string): string {
  let base = baseLetters.get(character);
  if (base === undefined) {
    const stripped = character.normalize("NFD").replace(/\p{M}/gu, "");
    base = stripped.length === 1 ? stripped : character;
    baseLetters.set(character, base);
  }
  return base;
}

/** Lower-case, one character for one character (toLowerCase keeps the length except for a few letters, such as İ). */
function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  return lower.length === text.length ? lower : [...text].map((c) => (c.toLowerCase().length === c.length ? c.toLowerCase() : c)).join("");
}

/** Lower-case and accent-free, one character for one character, so that positions stay those of the original. */
export function foldForMatching(text: string): string {
  return lowerSameLength(text).replace(/[\u00c0-\u024f]/g, baseLetter);
}

/** For each letter, the characters foldForMatching turns into it (é, è, ê, ë for e…). */
const foldingInto = new Map<string, string[]>();
for (let code = 0xc0; code <= 0x24f; code++) {
  const character = String.fromCharCode(code);
  const base = baseLetter(character);
  if (base !== character) foldingInto.set(base, [...(foldingInto.get(base) ?? []), character]);
}

const stemPatterns = new Map<string, RegExp>();

/**
 * Where `stem` starts a word of a lower-cased text, as it would in the folded text: each of its letters also matches
 * the accented letters that fold into it. Folding each stored excerpt (up to 20,000 characters, a replacement per
 * accented letter) was most of the cost of a page's snippets.
 */
function stemPattern(stem: string): RegExp {
  let pattern = stemPatterns.get(stem);
  if (!pattern) {
    const letters = [...stem].map((letter) => {
      const escaped = letter.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const variants = foldingInto.get(letter);
      return variants ? `[${escaped}${variants.join("")}]` : escaped;
    });
    pattern = new RegExp(`(?<![\\p{L}\\p{N}])${letters.join("")}`, "gu");
    if (stemPatterns.size >= 1_000) stemPatterns.clear();
    stemPatterns.set(stem, pattern);
  }
  return pattern;
}

export interface SnippetWindow {
  start: number;
  end: number;
}

/**
 * `stems` are the query's lexemes (french_stem of unaccented words: a prefix of the folded word in practice).
 * Falls back to the beginning of the text when none occurs (a match beyond the stored excerpt).
 */
export function bestWindow(text: string, stems: string[], width = SNIPPET_WINDOW): SnippetWindow {
  if (text.length <= width + LEAD) return { start: 0, end: text.length };
  const lower = lowerSameLength(text);
  const occurrences: Array<{ at: number; stem: number }> = [];
  for (const [index, stem] of stems.entries()) {
    if (!stem) continue;
    for (const match of lower.matchAll(stemPattern(stem))) {
      occurrences.push({ at: match.index, stem: index });
      if (occurrences.length >= MAX_OCCURRENCES) break;
    }
  }
  if (occurrences.length === 0) return snap(text, 0, width);
  occurrences.sort((a, b) => a.at - b.at);
  let best = { start: occurrences[0]!.at, distinct: 0 };
  const counts = new Map<number, number>();
  let left = 0;
  for (let right = 0; right < occurrences.length; right++) {
    const entering = occurrences[right]!;
    counts.set(entering.stem, (counts.get(entering.stem) ?? 0) + 1);
    while (entering.at - occurrences[left]!.at > width - 40) {
      const leaving = occurrences[left]!;
      const count = counts.get(leaving.stem)! - 1;
      if (count === 0) counts.delete(leaving.stem);
      else counts.set(leaving.stem, count);
      left++;
    }
    if (counts.size > best.distinct) best = { start: occurrences[left]!.at, distinct: counts.size };
  }
  return snap(text, Math.max(0, best.start - LEAD), width + LEAD);
}

/** Moves the bounds to word boundaries, so no word is cut in half. */
function snap(text: string, start: number, length: number): SnippetWindow {
  let from = start;
  if (from > 0) {
    const space = text.indexOf(" ", from);
    from = space === -1 || space - from > 40 ? from : space + 1;
  }
  let to = Math.min(text.length, from + length);
  if (to < text.length) {
    const space = text.lastIndexOf(" ", to);
    to = space > from ? space : to;
  }
  return { start: from, end: to };
}

const knownStems = new Map<string, string>();
const KNOWN_STEMS_MAX = 50_000;

/**
 * The lexeme PostgreSQL would make of `word`. Remembered: stemming cost ~3 µs a word, ~3 ms for a page of 20
 * snippets, and the words of a network's texts repeat (a few thousand distinct ones make most of them).
 */
function stemOf(word: string): string {
  let stem = knownStems.get(word);
  if (stem === undefined) {
    if (knownStems.size >= KNOWN_STEMS_MAX) knownStems.clear();
    stem = frenchStem(foldForMatching(word));
    knownStems.set(word, stem);
  }
  return stem;
}

/** Words a snippet shows at most, as ts_headline's MaxWords did. */
export const SNIPPET_WORDS = 30;
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The snippet of `text[window]`: at most SNIPPET_WORDS words, starting a few words before the first matched one, with
 * MARK_START/MARK_END around each word whose stem is one of the query's `lexemes`. A word matches when the Snowball
 * French stemmer of its folded form gives a lexeme: the stemmer PostgreSQL's `fr_unaccent` configuration applies after
 * unaccent (tests/integration/search.test.ts checks that both agree), so what is highlighted is what matched — without
 * a round trip to the database for ts_headline.
 */
export function highlightWindow(text: string, window: SnippetWindow, lexemes: string[], marks: { start: string; end: string }): string {
  const wanted = new Set(lexemes);
  const body = text.slice(window.start, window.end).replace(/[\ue000\ue001]/g, "");
  const words = [...body.matchAll(WORD)].map((match) => ({ at: match.index, end: match.index + match[0].length, matched: wanted.has(stemOf(match[0])) }));
  if (words.length === 0) return "";
  const firstMatched = Math.max(0, words.findIndex((word) => word.matched));
  const first = Math.max(0, Math.min(firstMatched - 4, words.length - SNIPPET_WORDS));
  const shown = words.slice(first, first + SNIPPET_WORDS);
  const from = first === 0 ? 0 : shown[0]!.at;
  const to = first + SNIPPET_WORDS >= words.length ? body.length : shown.at(-1)!.end;
  let snippet = "";
  let cursor = from;
  for (const word of shown) {
    if (!word.matched) continue;
    snippet += `${body.slice(cursor, word.at)}${marks.start}${body.slice(word.at, word.end)}${marks.end}`;
    cursor = word.end;
  }
  snippet += body.slice(cursor, to);
  const cutBefore = window.start > 0 || from > 0;
  const cutAfter = window.end < text.length || to < body.length;
  return `${cutBefore ? "… " : ""}${snippet.trim()}${cutAfter ? " …" : ""}`;
}
