/**
 * Candidate code the browser tests and the runner bench type into the pad: a correct answer to
 * the q1 attention challenge (scaled-dot-product-attention, 6 cases), in the typed form a
 * candidate writes. A query with every key blocked returns zeros, the challenge's convention.
 */
export const ATTENTION_CORRECT = `export function scaledDotProductAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(q.shape[2]));
    const blocked = tf.equal(mask, 0);
    const none = tf.tile(tf.all(blocked, -1, true), [1, 1, scores.shape[2]]);
    const masked = tf.where(blocked, tf.fill(scores.shape, -1e9), scores);
    const weights = tf.softmax(tf.where(none, tf.zerosLike(scores), masked), -1);
    return tf.matMul(tf.mul(weights, mask), v) as tf.Tensor3D;
  });
}`;
