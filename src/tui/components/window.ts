/** The slice of `count` rows to show in `size` rows so that row `selected` is visible (kept near the middle when scrolling). */
export function visibleRange(count: number, size: number, selected: number): [number, number] {
  if (count <= size) return [0, count];
  const start = Math.max(0, Math.min(count - size, selected - Math.floor(size / 2)));
  return [start, start + size];
}
