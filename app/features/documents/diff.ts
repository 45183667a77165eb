import { diffWordsWithSpace } from "diff";

export interface DiffPart {
  kind: "same" | "added" | "removed";
  text: string;
}

/** A word-level comparison of two plain texts, for "what changed between two versions". */
export function diffTexts(before: string, after: string): DiffPart[] {
  return diffWordsWithSpace(before, after).map((part) => ({
    kind: part.added ? "added" : part.removed ? "removed" : "same",
    text: part.value,
  }));
}

export function summariseDiff(parts: DiffPart[]): { added: number; removed: number } {
  const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
  return {
    added: parts.filter((part) => part.kind === "added").reduce((sum, part) => sum + words(part.text), 0),
    removed: parts.filter((part) => part.kind === "removed").reduce((sum, part) => sum + words(part.text), 0),
  };
}
