/** A stable, readable caret colour per user (WCAG AA against white text on it). */
const palette = ["#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#b45309", "#be185d", "#0e7490", "#4d7c0f"];

export function colourFor(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length]!;
}
