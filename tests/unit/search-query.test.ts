import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MARK_END, MARK_START, MAX_QUERY_LENGTH, prepareQuery, snippetHtml, snippetParts, snippetText } from "../../app/features/search/query.ts";
import { bestWindow, foldForMatching, highlightWindow, SNIPPET_WORDS } from "../../app/features/search/snippet-window.ts";
import { searchPageQuery } from "../../app/features/search/page-address.ts";
import { readSearchPageParams } from "../../app/features/search/schemas.ts";
import { facetCountLabel, resultsHeading, searchResultPath } from "../../app/features/search/kinds.ts";

describe("prepareQuery", () => {
  it("makes typographic apostrophes straight and splits hyphenated words", () => {
    expect(prepareQuery("hospitalisation d’office").text).toBe("hospitalisation d'office");
    expect(prepareQuery("non-recours porte‑à‑porte").text).toBe("non recours porte à porte");
  });

  it("drops punctuation and the frequent words PostgreSQL would keep", () => {
    expect(prepareQuery("!!! ??? …").text).toBe("");
    expect(prepareQuery("les aides, où ?").text).toBe("aides");
    expect(prepareQuery("<script>alert(1)</script>").text).toBe("script alert 1 script");
  });

  it("cuts a very long query and says so", () => {
    const prepared = prepareQuery("séjours ".repeat(1250));
    expect(prepared.truncated).toBe(true);
    expect(prepared.text.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
    expect(prepareQuery("séjours").truncated).toBe(false);
  });

  it("keeps websearch phrases only when quotes are balanced", () => {
    expect(prepareQuery('"portage de repas" domicile').text).toBe('"portage de repas" domicile');
    expect(prepareQuery('"portage de repas').text).toBe("portage de repas");
  });

  it("offers the last word as a prefix while it is being typed", () => {
    expect(prepareQuery("hospitalisation d'off")).toMatchObject({ prefix: "off", head: "hospitalisation d'off".split(" ")[0] });
    expect(prepareQuery("séj").prefix).toBe("séj");
    expect(prepareQuery("séjour ").prefix).toBeNull();
    expect(prepareQuery("s").prefix).toBeNull();
  });
});

describe("snippets", () => {
  const snippet = `avant ${MARK_START}<b>mot</b>${MARK_END} & "après"`;

  it("splits matched and plain parts", () => {
    expect(snippetParts(snippet)).toEqual([
      { text: "avant ", matched: false },
      { text: "<b>mot</b>", matched: true },
      { text: ' & "après"', matched: false },
    ]);
    expect(snippetText(snippet)).toBe('avant <b>mot</b> & "après"');
  });

  it("escapes before marking, so text can never become markup", () => {
    expect(snippetHtml(snippet)).toBe("avant <mark>&lt;b&gt;mot&lt;/b&gt;</mark> &amp; &quot;après&quot;");
    expect(snippetHtml(`${MARK_START}<img src=x onerror=alert(1)>`)).toBe("<mark>&lt;img src=x onerror=alert(1)&gt;</mark>");
  });
});

describe("snippet window", () => {
  it("folds accents and case without moving positions", () => {
    const text = "Élise À l'ŒUVRE ; Çà et là";
    expect(foldForMatching(text)).toHaveLength(text.length);
    expect(foldForMatching(text)).toBe("elise a l'œuvre ; ca et la");
  });

  it("picks the part of a long text where the most searched words meet", () => {
    const filler = "réunion partenaire commune dossier budget ".repeat(200);
    const text = `Précarité au début. ${filler} Les personnes âgées et leur santé. ${filler}`;
    const window = bestWindow(text, ["person", "age", "sant"]);
    expect(text.slice(window.start, window.end)).toContain("Les personnes âgées et leur santé.");
    expect(window.end - window.start).toBeLessThanOrEqual(700);
  });

  it("finds a stem in a word whatever its accents and capitals, wherever it stands in a long text", () => {
    const targets = ["Âgées", "ÉNERGÉTIQUE", "précarité", "Séjours", "hôpital", "Œuvre", "Çà", "İzmir", "naïveté"];
    fc.assert(
      fc.property(fc.constantFrom(...targets), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 4 }), (word, before, cut) => {
        // Filler words starting with none of the targets' letters, so that the target is the only match.
        const filler = (count: number) => "lundi mardi jeudi rendez-vous tour ".repeat(Math.ceil(count / 35)).slice(0, count);
        const text = `${filler(before)} ${word} ${filler(2000)}`;
        const stem = foldForMatching(word).slice(0, Math.max(1, foldForMatching(word).length - cut));
        const window = bestWindow(text, [stem]);
        expect(text.slice(window.start, window.end)).toContain(` ${word} `);
      }),
      { numRuns: 300 },
    );
  });

  it("shows the beginning when no word is found (a match beyond the stored excerpt), and short texts whole", () => {
    const text = "mot ".repeat(1000);
    expect(bestWindow(text, ["absent"]).start).toBe(0);
    expect(bestWindow("court", ["absent"])).toEqual({ start: 0, end: 5 });
  });
});

describe("snippet highlighting", () => {
  const marks = { start: "[", end: "]" };
  const whole = (text: string) => ({ start: 0, end: text.length });

  it("marks the words whose French stem the query holds, whatever their accents and inflection", () => {
    const text = "Les personnes âgées isolées reçoivent la visite des agents du CCAS.";
    // Lexemes of « personnes agees isolées » in fr_unaccent ("agents" stems to "agent", not "age").
    expect(highlightWindow(text, whole(text), ["person", "age", "isole"], marks)).toBe(
      "Les [personnes] [âgées] [isolées] reçoivent la visite des agents du CCAS.",
    );
  });

  it("shows at most 30 words, starting just before the first match, and says where the text was cut", () => {
    const text = `${"début ".repeat(40)}Le portage de repas à domicile ${"suite ".repeat(60)}`;
    const snippet = highlightWindow(text, whole(text), ["portag", "rep"], marks);
    expect(snippet.startsWith("… début début début Le [portage] de [repas] à domicile suite")).toBe(true);
    expect(snippet.endsWith(" …")).toBe(true);
    expect(snippet.replace(/^… | …$/g, "").split(/\s+/)).toHaveLength(SNIPPET_WORDS);
  });

  it("keeps a short text whole, and cannot be fooled by marker characters in the text", () => {
    expect(highlightWindow("Séjours seniors", whole("Séjours seniors"), ["sejour"], marks)).toBe("[Séjours] seniors");
    const tricky = "texte \ue000piège\ue001 normal";
    expect(highlightWindow(tricky, whole(tricky), ["absent"], { start: "\ue000", end: "\ue001" })).toBe("texte piège normal");
  });
});

describe("search addresses", () => {
  it("reads the page's French parameters and ignores invalid filters rather than failing", () => {
    const params = readSearchPageParams(new URLSearchParams("q=seniors&type=practice&ccas=nope&annee=2026&page=x"));
    expect(params).toEqual({ q: "seniors", kind: "practice", organisationId: undefined, themeId: undefined, year: 2026, page: undefined });
    expect(searchPageQuery({ q: "seniors", kind: "practice", year: 2026, page: 2 })).toBe("q=seniors&type=practice&annee=2026&page=2");
  });

  it("links each kind of result to its page", () => {
    const target = { documentId: "d", meetingId: "m", agendaItemId: "i" };
    expect(searchResultPath("vp", { kind: "wiki", ...target })).toBe("/reseaux/vp/veille/d");
    expect(searchResultPath("vp", { kind: "practice", ...target })).toBe("/reseaux/vp/fiches/d");
    expect(searchResultPath("vp", { kind: "minutes", ...target })).toBe("/reseaux/vp/tables-rondes/m/compte-rendu");
    expect(searchResultPath("vp", { kind: "agenda_item", ...target })).toBe("/reseaux/vp/tables-rondes/m#point-i");
  });
});

describe("counts shown on the results page", () => {
  it("says « plus de » for a capped total, and « au moins » for facet counts over the first matches only", () => {
    expect(resultsHeading(0, false, "xylophone")).toBe("Aucun résultat pour « xylophone »");
    expect(resultsHeading(1, false, "RSA")).toBe("1 résultat pour « RSA »");
    expect(resultsHeading(990, false, "RSA")).toBe("990 résultats pour « RSA »");
    expect(resultsHeading(1000, true, "accueil").replace(/\s/g, " ")).toBe("Plus de 1 000 résultats pour « accueil »");
    expect(facetCountLabel(230, false)).toBe("230");
    expect(facetCountLabel(1001, true).replace(/\s/g, " ")).toBe("au moins 1 001");
  });
});
