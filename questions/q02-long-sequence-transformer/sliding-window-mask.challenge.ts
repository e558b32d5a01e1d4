/** Q2: the attention pattern of local windows plus global tokens, as a dense mask. */
import type * as tf from '@tensorflow/tfjs-core';
import { EXACT, bool, defineChallenge, num, prose, type Tf } from '../_lib/define.js';

const args = (n: number, halfWindow: number, numGlobal: number, causal: boolean) => [num(n), num(halfWindow), num(numGlobal), bool(causal)];

export default defineChallenge({
  id: 'sliding-window-mask',
  title: 'Sliding-window attention mask with global tokens',
  questionId: 'q2',
  functionName: 'localGlobalMask',
  statement: prose`
    Return an [n, n] float32 tensor M of 1s and 0s, positions counted from 0, where M[i][j] = 1 when
    query i may attend to key j. A query may attend to a key within halfWindow positions on either
    side (|i − j| ≤ halfWindow); the first numGlobal positions are global tokens, which attend to
    every position and to which every position attends. When causal is true, no query may attend to
    a later key (j > i), global tokens included. The window is clipped at the sequence's ends.`,
  starter: `export function localGlobalMask(
  n: number, // sequence length
  halfWindow: number, // keys within this distance on either side are visible
  numGlobal: number, // positions 0 … numGlobal - 1 are global tokens
  causal: boolean,
): tf.Tensor2D {
  // your code: [n, n] float32, 1 = may attend
}
`,
  tolerance: EXACT,
  cases: [
    { name: 'window of ±2 clipped at both ends, no global tokens', make: () => args(10, 2, 0, false) },
    { name: 'window of ±1 with 2 global tokens', make: () => args(12, 1, 2, false) },
    { name: 'causal, window of 3 back, 1 global token', make: () => args(9, 3, 1, true) },
    { name: 'half-window 0: the diagonal only', make: () => args(6, 0, 0, false) },
    { name: 'window wider than the sequence', make: () => args(5, 7, 0, false) },
    { name: 'random sizes', make: (rng) => args(rng.int(20, 65), rng.int(0, 9), rng.int(1, 5), rng.uniform() < 0.5) },
  ],
  reference(tf: Tf, n: number, halfWindow: number, numGlobal: number, causal: boolean): tf.Tensor2D {
    const i = tf.reshape(tf.range(0, n, 1, 'int32'), [n, 1]);
    const j = tf.reshape(tf.range(0, n, 1, 'int32'), [1, n]);
    const local = tf.lessEqual(tf.abs(tf.sub(i, j)), halfWindow);
    const global = tf.logicalOr(tf.less(i, numGlobal), tf.less(j, numGlobal));
    let allowed = tf.logicalOr(local, global);
    if (causal) allowed = tf.logicalAnd(allowed, tf.lessEqual(j, i));
    return tf.cast(allowed, 'float32') as tf.Tensor2D;
  },
});
