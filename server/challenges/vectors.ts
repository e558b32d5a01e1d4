/**
 * Test vectors: each case's inputs come from its seeded stream, its expected output from running
 * the reference implementation on tfjs's cpu backend in float32. Plain JS randomness plus a
 * single-threaded backend make the result a pure function of (challenge, seed): the same seed
 * gives byte-identical JSON on every run.
 */
import type { ChallengeCase, SerializedValue } from '../../shared/challenge.js';
import { compactFloat32, fromCallValue, toCallArgs, type Tf } from '../../shared/challengeSpec.js';
import type { ChallengeDefinition } from '../../questions/_lib/define.js';
import { caseSeed, createRng } from '../../questions/_lib/rng.js';

let backend: Promise<Tf> | undefined;

/**
 * tfjs-core on the cpu backend, loaded and initialised once per process on the first challenge
 * asked for: imported at start-up they held ~3.7 MB of heap in a server that may never compute a
 * vector, and V8's concurrent marking scans the whole heap on each major GC.
 */
export function cpuTf(): Promise<Tf> {
  backend ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    // PROD mode silences the "install tfjs-node" banner the cpu backend prints on first use in Node.
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend did not initialise');
    return tf;
  })();
  return backend;
}

/** Inputs, expected output and tolerance for every case of `challenge` under `seed`. */
export async function computeCases(challenge: ChallengeDefinition, seed: number): Promise<ChallengeCase[]> {
  const tfc = await cpuTf();
  return challenge.cases.map((spec, index) => {
    const inputs = spec.make(createRng(caseSeed(seed, challenge.id, index)));
    const expected = runReference(tfc, challenge, inputs);
    const where = `${challenge.id}: case ${index} (${spec.name})`;
    inputs.forEach((input, i) => assertFinite(input, `${where}: input ${i}`));
    assertFinite(expected, `${where}: expected output`);
    return { name: spec.name, inputs, expected, tolerance: { ...(spec.tolerance ?? challenge.tolerance) } };
  });
}

/**
 * Runs the reference on deserialised inputs and serialises what it returns, all synchronously
 * inside one tidy: no await between creating and disposing tensors, so two challenges computed
 * concurrently cannot end each other's scopes.
 */
export function runReference(tfc: Tf, challenge: ChallengeDefinition, inputs: readonly SerializedValue[]): SerializedValue {
  let output: SerializedValue | undefined;
  tfc.tidy(() => {
    output = compactFloats(fromCallValue(tfc, challenge.reference(tfc, ...toCallArgs(tfc, inputs))));
  });
  return output!;
}

/** float32 tensor data as the shortest decimals that read back as the same float32 (see compactFloat32). */
function compactFloats(value: SerializedValue): SerializedValue {
  switch (value.kind) {
    case 'tensor':
      return value.dtype === 'float32' ? { ...value, data: value.data.map(compactFloat32) } : value;
    case 'array':
      return { kind: 'array', items: value.items.map(compactFloats) };
    case 'record':
      return { kind: 'record', entries: Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, compactFloats(v)])) };
    default:
      return value;
  }
}

/** JSON has no NaN or Infinity: a vector holding one would arrive in the browser as null. */
function assertFinite(value: SerializedValue, where: string): void {
  const bad = (x: number) => !Number.isFinite(x);
  switch (value.kind) {
    case 'tensor':
      if (value.data.some(bad)) throw new Error(`${where}: tensor holds a non-finite value`);
      return;
    case 'number':
      if (bad(value.value)) throw new Error(`${where}: ${value.value} is not finite`);
      return;
    case 'array':
      value.items.forEach((item, i) => assertFinite(item, `${where}[${i}]`));
      return;
    case 'record':
      for (const [k, v] of Object.entries(value.entries)) assertFinite(v, `${where}.${k}`);
      return;
    default:
      return;
  }
}
