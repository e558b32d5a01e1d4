/** Q2: a rolling (sliding-window) KV cache with attention sinks, one decode step. */
import type * as tf from '@tensorflow/tfjs-core';
import { FLOAT32, defineChallenge, num, numbers, prose, randn, tensor, type Rng, type Tf } from '../_lib/define.js';

/** Which slot position `pos` is written to: sinks stay put, the rest roll through the remaining slots. */
export function slotFor(pos: number, slots: number, sinks: number): number {
  return pos < sinks ? pos : sinks + ((pos - sinks) % (slots - sinks));
}

/**
 * A cache of W slots after `position` earlier tokens were written by the rule, so its state is one a
 * correct implementation could have produced; empty slots hold zeros and position −1.
 */
function state(rng: Rng, slots: number, d: number, position: number, sinks: number) {
  const k = new Array<number>(slots * d).fill(0);
  const v = new Array<number>(slots * d).fill(0);
  const slotPositions = new Array<number>(slots).fill(-1);
  for (let pos = 0; pos < position; pos++) {
    const slot = slotFor(pos, slots, sinks);
    for (let i = 0; i < d; i++) {
      k[slot * d + i] = rng.normal();
      v[slot * d + i] = rng.normal();
    }
    slotPositions[slot] = pos;
  }
  return [tensor([slots, d], k), tensor([slots, d], v), numbers(slotPositions), randn(rng, [d]), randn(rng, [d]), randn(rng, [d]), num(position), num(sinks)];
}

export default defineChallenge({
  id: 'sliding-window-kv-eviction',
  title: 'Rolling KV cache with attention sinks',
  questionId: 'q2',
  functionName: 'rollingCacheStep',
  statement: prose`
    One decode step with a fixed-size KV cache of W slots that evicts old tokens, as in Mistral's
    rolling buffer (Jiang et al., 2023) with StreamingLLM's attention sinks (Xiao et al., 2023). kCache
    and vCache are [W, d]; slotPositions[s] is the position of the token held in slot s, or −1 if the
    slot is empty. The first sinks tokens (positions 0 … sinks−1) are never evicted: token p < sinks
    lives in slot p. Every later token p goes to slot sinks + ((p − sinks) mod (W − sinks)),
    overwriting whatever was there. The new token has position position, query q, key kNew and value
    vNew (each [d], positions are already encoded). Write it into its slot, then let q attend, with
    scores q·k/√d, over every slot that holds a token (slotPositions ≥ 0 after the write), and never
    over an empty slot. Return { kCache: [W, d], vCache: [W, d], slotPositions: number[] after the
    write, output: [d] }.`,
  starter: `export function rollingCacheStep(
  kCache: tf.Tensor2D, // [W, d]
  vCache: tf.Tensor2D, // [W, d]
  slotPositions: number[], // [W] token position per slot, -1 = empty
  q: tf.Tensor1D, // [d]
  kNew: tf.Tensor1D, // [d]
  vNew: tf.Tensor1D, // [d]
  position: number, // the new token's position
  sinks: number, // how many first tokens are never evicted
): { kCache: tf.Tensor2D; vCache: tf.Tensor2D; slotPositions: number[]; output: tf.Tensor1D } {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: 'cache not yet full: empty slots are ignored', make: (rng) => state(rng, 6, 4, 3, 0) },
    { name: 'full window, no sinks: the oldest token is evicted', make: (rng) => state(rng, 4, 4, 9, 0) },
    { name: 'two sinks survive while the rest rolls', make: (rng) => state(rng, 6, 4, 13, 2) },
    { name: 'the first token after the sinks wraps around', make: (rng) => state(rng, 5, 4, 7, 1) },
    { name: 'writing a sink itself', make: (rng) => state(rng, 8, 4, 2, 4) },
    { name: 'W 16, 4 sinks, position 100, d 8', make: (rng) => state(rng, 16, 8, 100, 4) },
  ],
  reference(tf: Tf, kCache: tf.Tensor2D, vCache: tf.Tensor2D, slotPositions: number[], q: tf.Tensor1D, kNew: tf.Tensor1D, vNew: tf.Tensor1D, position: number, sinks: number) {
    const [slots, d] = kCache.shape;
    const slot = slotFor(position, slots, sinks);
    const isSlot = tf.reshape(tf.oneHot(tf.tensor1d([slot], 'int32'), slots), [slots, 1]);
    const write = (cache: tf.Tensor2D, row: tf.Tensor1D) => tf.add(tf.mul(cache, tf.sub(1, isSlot)), tf.mul(isSlot, tf.reshape(row, [1, d]))) as tf.Tensor2D;
    const keys = write(kCache, kNew);
    const values = write(vCache, vNew);
    const positions = slotPositions.map((p, s) => (s === slot ? position : p));
    const filled = tf.tensor1d(positions.map((p) => (p >= 0 ? 1 : 0)));
    const scores = tf.div(tf.reshape(tf.matMul(keys, tf.reshape(q, [d, 1])), [slots]), Math.sqrt(d));
    // Empty slots get a score far below any real one, so their weight is exactly 0 in float32.
    const weights = tf.softmax(tf.add(scores, tf.mul(tf.sub(filled, 1), 1e9)));
    const output = tf.reshape(tf.matMul(tf.reshape(weights, [1, slots]), values), [d]) as tf.Tensor1D;
    return { kCache: keys, vCache: values, slotPositions: positions, output };
  },
});
