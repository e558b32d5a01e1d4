/**
 * Where an inserted diagram goes: free space, never on top of existing work. Pure (no
 * Excalidraw): the unit tests drive it with plain boxes.
 *
 * Rule: if the spot in the middle of the user's view is free, use it (they are looking at an
 * empty area). Otherwise put it beside everything on the board: right of, below, left of or
 * above the content's bounding box (level with the view's middle), whichever lands nearest the
 * middle of the view; ties go in that order. Outside the bounding box of all content, none of
 * those can overlap anything.
 */
export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Scene units between the new diagram and the existing content. */
export const PLACEMENT_GAP = 80;

function overlaps(a: Box, b: Box, margin: number): boolean {
  return a.minX < b.maxX + margin && b.minX < a.maxX + margin && a.minY < b.maxY + margin && b.minY < a.maxY + margin;
}

function boxAt(centerX: number, centerY: number, width: number, height: number): Box {
  return { minX: centerX - width / 2, minY: centerY - height / 2, maxX: centerX + width / 2, maxY: centerY + height / 2 };
}

export function unionOf(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  return boxes.reduce((u, b) => ({
    minX: Math.min(u.minX, b.minX),
    minY: Math.min(u.minY, b.minY),
    maxX: Math.max(u.maxX, b.maxX),
    maxY: Math.max(u.maxY, b.maxY),
  }));
}

/** The centre (whole scene units) for a diagram of `size`, given the boxes already on the board. */
export function freeSpot(size: { width: number; height: number }, occupied: readonly Box[], view: Box, gap = PLACEMENT_GAP): { x: number; y: number } {
  const viewX = (view.minX + view.maxX) / 2;
  const viewY = (view.minY + view.maxY) / 2;
  const { width, height } = size;
  const here = boxAt(viewX, viewY, width, height);
  const content = unionOf(occupied);
  if (!content || !occupied.some((b) => overlaps(here, b, gap / 2))) return { x: Math.round(viewX), y: Math.round(viewY) };
  // Outside the content's bounding box on one side, level with the middle of the view on the
  // other axis: beside the work, where the user is already looking.
  const candidates = [
    { x: content.maxX + gap + width / 2, y: viewY }, // right
    { x: viewX, y: content.maxY + gap + height / 2 }, // below
    { x: content.minX - gap - width / 2, y: viewY }, // left
    { x: viewX, y: content.minY - gap - height / 2 }, // above
  ];
  let best = candidates[0]!;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = Math.hypot(c.x - viewX, c.y - viewY);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return { x: Math.round(best.x), y: Math.round(best.y) };
}
