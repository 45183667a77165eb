/** Ordering sections and pages: pure, so that the rule is unit-tested apart from its SQL. */

/** The order after swapping `id` with its previous or next neighbour; null when it is already first or last. */
export function swapWithNeighbour(order: readonly string[], id: string, direction: "up" | "down"): string[] | null {
  const index = order.indexOf(id);
  const otherIndex = direction === "up" ? index - 1 : index + 1;
  if (index < 0 || otherIndex < 0 || otherIndex >= order.length) return null;
  const swapped = [...order];
  [swapped[index], swapped[otherIndex]] = [swapped[otherIndex]!, swapped[index]!];
  return swapped;
}
