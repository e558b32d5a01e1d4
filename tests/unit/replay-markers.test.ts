import { describe, expect, it } from 'vitest';
import { MARKER_SLOT_PX, describeMarker, layoutMarkers, type Marker } from '../../client/replay/markers.js';

const m = (t: number, kind: Marker['kind'] = 'run', label = `at ${t}`): Marker => ({ kind, t, label });

describe('layoutMarkers', () => {
  it('leaves markers that are apart where they happened, one group each', () => {
    const { placed, groups } = layoutMarkers([m(0), m(500), m(1000)], 0, 1000, 1000);
    expect(placed.map((p) => p.x)).toEqual([0, 500, 1000]);
    expect(groups.map((g) => g.count)).toEqual([1, 1, 1]);
  });

  it('groups a burst and lays its markers one slot apart, so each has its own place', () => {
    const burst = [m(100), m(101), m(102), m(103)];
    const { placed, groups } = layoutMarkers([...burst, m(900)], 0, 1000, 1000);
    expect(groups[0]!.count).toBe(4);
    const xs = placed.slice(0, 4).map((p) => p.x);
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(MARKER_SLOT_PX);
    expect(xs[0]).toBe(100);
    // each keeps its own time (it seeks there), in order
    expect(placed.slice(0, 4).map((p) => p.marker.t)).toEqual([100, 101, 102, 103]);
    expect(placed[4]).toMatchObject({ x: 900, group: 1 });
  });

  it('pushes a burst at the very end back inside the track', () => {
    const { placed } = layoutMarkers([m(998), m(999), m(1000)], 0, 1000, 500);
    expect(Math.max(...placed.map((p) => p.x))).toBeLessThanOrEqual(500);
    const xs = placed.map((p) => p.x);
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(MARKER_SLOT_PX);
  });

  it('groups by what would overlap at this width: a wider track splits the same burst', () => {
    const markers = [m(100), m(110)];
    expect(layoutMarkers(markers, 0, 1000, 500).groups.length).toBe(1);
    expect(layoutMarkers(markers, 0, 1000, 5000).groups.length).toBe(2);
  });
});

describe('describeMarker', () => {
  it('names the kind once', () => {
    expect(describeMarker(m(0, 'question', 'Question: Attention'))).toBe('Question: Attention');
    expect(describeMarker(m(0, 'question', 'Question cleared'))).toBe('Question cleared');
    expect(describeMarker(m(0, 'run', 'Cam ran the pad: ok on cpu'))).toBe('Cam ran the pad: ok on cpu');
    expect(describeMarker(m(0, 'join', 'Cam (candidate) joined'))).toBe('Cam (candidate) joined');
    expect(describeMarker(m(0, 'signal', 'Cam pasted 640 characters'))).toBe('Signal: Cam pasted 640 characters');
    expect(describeMarker(m(0, 'score', 'Ines: Math → 4 (q1)'))).toBe('Score: Ines: Math → 4 (q1)');
  });
});
