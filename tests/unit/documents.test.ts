import { describe, expect, it } from "vitest";
import { diffTexts, summariseDiff } from "../../app/features/documents/diff.ts";
import { colourFor } from "../../app/features/documents/presence.ts";
import { isAllowedHref } from "../../app/features/documents/schema-extensions.ts";

describe("comparing two versions", () => {
  it("marks added and removed words, and counts them", () => {
    const parts = diffTexts("Réunion à Ermont le mardi.", "Réunion à Taverny le mardi, 14 h.");
    expect(parts.filter((part) => part.kind === "removed").map((part) => part.text.trim())).toContain("Ermont");
    expect(parts.filter((part) => part.kind === "added").map((part) => part.text).join("")).toContain("Taverny");
    expect(parts.map((part) => (part.kind === "removed" ? "" : part.text)).join("")).toBe("Réunion à Taverny le mardi, 14 h.");
    expect(parts.map((part) => (part.kind === "added" ? "" : part.text)).join("")).toBe("Réunion à Ermont le mardi.");
    // Added: "Taverny" and ", 14 h" (three words as written); removed: "Ermont".
    expect(summariseDiff(parts)).toEqual({ added: 4, removed: 1 });
  });

  it("finds nothing to show between identical texts", () => {
    expect(diffTexts("Ordre du jour", "Ordre du jour")).toEqual([{ kind: "same", text: "Ordre du jour" }]);
    expect(summariseDiff(diffTexts("a b", "a b"))).toEqual({ added: 0, removed: 0 });
  });
});

describe("links in documents", () => {
  it("accepts web, mail and phone links and refuses script-bearing ones", () => {
    for (const href of ["https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031729174", "http://example.fr", "mailto:ccas@ermont.fr", "tel:+33134440000", "/reseaux/x"]) {
      expect(isAllowedHref(href), href).toBe(true);
    }
    for (const href of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", " javascript:alert(1)"]) {
      expect(isAllowedHref(href), href).toBe(false);
    }
  });
});

describe("caret colours", () => {
  it("gives each user a stable colour, and different users different colours often enough", () => {
    expect(colourFor("user-a")).toBe(colourFor("user-a"));
    const colours = new Set(Array.from({ length: 40 }, (_, index) => colourFor(`utilisateur-${index}`)));
    expect(colours.size).toBeGreaterThanOrEqual(6);
  });
});
