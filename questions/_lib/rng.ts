/**
 * The seeded randomness behind every challenge's test vectors: plain JS (mulberry32 and
 * Box–Muller), so a seed gives the same inputs on every run of the server, with no dependence
 * on tfjs's own generators or on the backend.
 */

export interface Rng {
  /** uniform in [0, 1) */
  uniform(): number;
  /** standard normal */
  normal(): number;
  /** a whole number in [min, maxExclusive) */
  int(min: number, maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: 32 bits of state, full period, and good enough for test vectors. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRng(seed: number): Rng {
  const uniform = mulberry32(seed);
  const rng: Rng = {
    uniform,
    normal() {
      // 1 - u is in (0, 1], so the log is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
      return radius * Math.cos(2 * Math.PI * uniform());
    },
    int(min, maxExclusive) {
      if (!(maxExclusive > min)) throw new RangeError(`rng.int: empty range [${min}, ${maxExclusive})`);
      return min + Math.floor(uniform() * (maxExclusive - min));
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('rng.pick: no items');
      return items[rng.int(0, items.length)]!;
    },
  };
  return rng;
}

/**
 * Each case gets its own stream, derived from the challenge seed, the challenge id and the case's
 * index, so adding a case or reordering challenges leaves every other case's vectors unchanged.
 */
export function caseSeed(seed: number, challengeId: string, caseIndex: number): number {
  return fnv1a(`${seed >>> 0}/${challengeId}/${caseIndex}`);
}

/** FNV-1a over a string's UTF-16 code units: a 32-bit seed from any text. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
