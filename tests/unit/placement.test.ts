import { describe, expect, it } from 'vitest';
import { PLACEMENT_GAP, freeSpot, unionOf, type Box } from '../../client/diagrams/placement.js';

const box = (minX: number, minY: number, maxX: number, maxY: number): Box => ({ minX, minY, maxX, maxY });
const around = (c: { x: number; y: number }, w: number, h: number) => box(c.x - w / 2, c.y - h / 2, c.x + w / 2, c.y + h / 2);
const overlaps = (a: Box, b: Box) => a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;

describe('freeSpot', () => {
  const view = box(0, 0, 1000, 600);

  it('uses the middle of the view on an empty board', () => {
    expect(freeSpot({ width: 300, height: 200 }, [], view)).toEqual({ x: 500, y: 300 });
  });

  it('uses the middle of the view when that area is free, even with content elsewhere', () => {
    const far = [box(3000, 3000, 3400, 3300)];
    expect(freeSpot({ width: 300, height: 200 }, far, view)).toEqual({ x: 500, y: 300 });
  });

  it('goes beside the content when the view is on top of it, never overlapping any of it', () => {
    const content = [box(300, 200, 700, 400), box(650, 380, 900, 560), box(100, 100, 160, 150)];
    const size = { width: 500, height: 300 };
    const spot = freeSpot(size, content, view);
    const placed = around(spot, size.width, size.height);
    for (const b of content) expect(overlaps(placed, b)).toBe(false);
    // beside the content's bounding box, a gap away
    const all = unionOf(content)!;
    const gaps = [placed.minX - all.maxX, placed.minY - all.maxY, all.minX - placed.maxX, all.minY - placed.maxY];
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(PLACEMENT_GAP - 1);
  });

  it('picks the side nearest the view, level with its middle', () => {
    // Content reaches far left, up and down: the right side is nearest.
    const right = freeSpot({ width: 200, height: 100 }, [box(-5000, -5000, 900, 5000)], view);
    expect(right).toEqual({ x: 900 + PLACEMENT_GAP + 100, y: 300 });
    // Content reaches far to both sides and up: below is nearest.
    const below = freeSpot({ width: 200, height: 100 }, [box(-5000, -5000, 5000, 500)], view);
    expect(below).toEqual({ x: 500, y: 500 + PLACEMENT_GAP + 50 });
  });

  it('returns whole scene units', () => {
    const spot = freeSpot({ width: 333.3, height: 111.1 }, [box(0.5, 0.5, 999.5, 599.5)], view);
    expect(Number.isInteger(spot.x) && Number.isInteger(spot.y)).toBe(true);
  });
});
