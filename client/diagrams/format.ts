/** Numbers for the shape-check panel: three significant digits and a unit, e.g. 2.36M, 1.2 TFLOP. */

const COUNT_UNITS: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

const FLOP_UNITS: [number, string][] = [
  [1e18, 'E'],
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** Three significant digits without trailing zeros: 2.3593 → "2.36", 1.20 → "1.2", 512 → "512". */
function significant(value: number): string {
  const text = value.toPrecision(3);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function scaled(value: number, units: readonly [number, string][]): [string, string] {
  // Pick the unit after rounding, so 999_999 reads "1M" rather than "1000K".
  const rounded = Number(Math.abs(value).toPrecision(3));
  for (const [size, unit] of units) if (rounded >= size) return [significant(value / size), unit];
  return [significant(value), ''];
}

/** 2_362_368 → "2.36M"; 38_400_000 → "38.4M"; 1536 → "1.54K"; 12 → "12". */
export function formatCount(value: number): string {
  const [number, unit] = scaled(value, COUNT_UNITS);
  return `${number}${unit}`;
}

/** 1.2e12 → "1.2 TFLOP"; 3.08e15 → "3.08 PFLOP"; 0 → "0 FLOP". */
export function formatFlops(value: number): string {
  const [number, unit] = scaled(value, FLOP_UNITS);
  return `${number} ${unit}FLOP`;
}

/** 1953.125 → "1953×"; 2.5 → "2.5×". */
export function formatRatio(value: number): string {
  return `${value >= 100 ? Math.round(value).toString() : significant(value)}×`;
}
