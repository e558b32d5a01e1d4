// Challenges: the registry is complete and valid, vectors are a pure function of the seed, every
// reference passes its own vectors, known-wrong implementations fail with a reported error, and
// small cases match values worked out by hand.
import fs from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareValues, type ChallengeCase, type SerializedTensor, type SerializedValue } from '../../shared/challenge.js';
import { ChallengeValueError, compactFloat32, fromCallValue, tensorsIn, toCallArgs, type Tf } from '../../shared/challengeSpec.js';
import { list, num, numbers, strings, tensor, type ChallengeDefinition } from '../../questions/_lib/define.js';
import { BUILT_IN_CHALLENGES, CHALLENGES, builtInChallengeFile, templates } from '../../questions/index.js';
import { caseSeed, createRng, mulberry32 } from '../../questions/_lib/rng.js';
import {
  ChallengeDefinitionError,
  DEFAULT_CHALLENGE_SEED,
  createChallengeRegistry,
  validateChallenges,
} from '../../server/challenges/registry.js';
import { computeCases, cpuTf, runReference } from '../../server/challenges/vectors.js';
import { validateAttachments, type AttachmentContext } from '../../server/questions/attachments.js';
import { defaultQuestionsDir, loadQuestionBank, questionBankFrom } from '../../server/questions/load.js';

const REQUIRED_IDS = [
  'scaled-dot-product-attention',
  'multi-head-attention',
  'sliding-window-mask',
  'dpo-loss',
  'ppo-clipped-gae',
  'ddpm-step',
  'ddim-step',
  'cfg-combine',
  'linear-attention-elu',
  'distinct-n',
  'bleu',
  'speculative-acceptance',
  // issue 16
  'online-softmax-attention',
  'kv-cache-rope-gqa',
  'top-k-top-p-sampling',
  'bradley-terry-loss',
  'clip-contrastive-loss',
  'gated-cross-attention',
  'modality-dropout',
  'parallelism-memory',
  'rmsnorm',
  'sliding-window-kv-eviction',
];

const bank = loadQuestionBank(defaultQuestionsDir());
const byId = (id: string): ChallengeDefinition => {
  const found = CHALLENGES.find((c) => c.id === id);
  if (!found) throw new Error(`test bug: no challenge ${id}`);
  return found;
};

let tfc: Tf;
/** The default seed's cases per challenge, computed once for the whole file. */
const casesOf = new Map<string, ChallengeCase[]>();
beforeAll(async () => {
  tfc = await cpuTf();
  for (const c of CHALLENGES) casesOf.set(c.id, await computeCases(c, DEFAULT_CHALLENGE_SEED));
});

/** Runs `reference` (or a stand-in) on every case of a challenge and compares with the expected outputs. */
function check(id: string, implementation?: ChallengeDefinition['reference']) {
  const definition = implementation ? { ...byId(id), reference: implementation } : byId(id);
  return casesOf.get(id)!.map((c) => {
    let actual: SerializedValue;
    try {
      actual = runReference(tfc, definition, c.inputs);
    } catch (err) {
      return { name: c.name, pass: false, maxAbsError: null, message: String(err) };
    }
    return { name: c.name, ...compareValues(actual, c.expected, c.tolerance) };
  });
}

/** Runs a reference on hand-written inputs. */
const run = (id: string, inputs: SerializedValue[]) => runReference(tfc, byId(id), inputs);
const dataOf = (v: SerializedValue) => (v as SerializedTensor).data;
const itemsOf = (v: SerializedValue) => (v as { items: SerializedValue[] }).items.map((i) => (i as { value: number }).value);
const valueOf = (v: SerializedValue) => (v as { value: number }).value;

const attachmentContext = (challenges: ReturnType<typeof createChallengeRegistry>): AttachmentContext => ({
  challenges,
  diagramIds: templates.map((t) => t.id),
});

describe('registry', () => {
  it('has every challenge the issue asks for, each validated', () => {
    const ids = CHALLENGES.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(REQUIRED_IDS));
    expect(ids.length).toBeGreaterThanOrEqual(22);
    expect(() => validateChallenges(CHALLENGES)).not.toThrow();
    expect(createChallengeRegistry().list().map((s) => s.id)).toEqual(ids);
  });

  it('registers every *.challenge.ts in the question folders, each file named after its id and in its question\'s folder', () => {
    const dir = defaultQuestionsDir();
    const modules = fs
      .readdirSync(dir)
      .filter((folder) => !folder.startsWith('_') && fs.statSync(path.join(dir, folder)).isDirectory())
      .flatMap((folder) => fs.readdirSync(path.join(dir, folder)).filter((f) => f.endsWith('.challenge.ts')).map((f) => `${folder}/${f}`));
    expect(modules.sort()).toEqual(BUILT_IN_CHALLENGES.map((c) => c.file).sort());
    for (const c of BUILT_IN_CHALLENGES) {
      expect(c.file).toBe(`${path.dirname(bank.get(c.definition.questionId)!.file)}/${c.definition.id}.challenge.ts`);
    }
  });

  it('links questions and challenges both ways', () => {
    const registry = createChallengeRegistry();
    expect(() => validateAttachments(bank, attachmentContext(registry))).not.toThrow();
    for (const q of bank.list()) {
      if (q.challenge) expect(registry.get(q.challenge)?.questionId, q.id).toBe(q.id);
    }
    for (const c of CHALLENGES) expect(bank.get(c.questionId), c.id).toBeDefined();
  });

  it('stops start-up on a question whose challenge does not exist, in the bank-error format', () => {
    const [first] = bank.list();
    const broken = questionBankFrom([{ ...first!, challenge: 'no-such-challenge' }]);
    expect(() => validateAttachments(broken, attachmentContext(createChallengeRegistry()))).toThrow(
      /^q01-self-attention\/question\.md: challenge: no challenge "no-such-challenge" in the bank \(known: scaled-dot-product-attention, /,
    );
  });

  it('rejects definitions that break the rules, naming the challenge and field', () => {
    const good = byId('cfg-combine');
    const cases: Array<[Partial<ChallengeDefinition>, RegExp]> = [
      [{ id: 'Bad Id' }, /^Bad Id: id: /],
      [{ id: 'define' }, /^define: id: .*helper module/],
      [{ functionName: 'not an identifier' }, /^cfg-combine: functionName: /],
      [{ starter: 'export function somethingElse() {}' }, /^cfg-combine: starter: must declare "export function cfgCombine\("/],
      [{ statement: 'two\nparagraphs' }, /^cfg-combine: statement: /],
      [{ tolerance: { abs: -1, rel: 0 } }, /^cfg-combine: tolerance: /],
      [{ tolerance: { abs: Number.NaN, rel: 0 } }, /^cfg-combine: tolerance: /],
      [{ cases: good.cases.slice(0, 2) }, /^cfg-combine: cases: must have 3 to 8 cases, has 2/],
      [{ cases: [good.cases[0]!, good.cases[0]!, good.cases[1]!] }, /^cfg-combine: cases\[1\]\.name: .* is used twice/],
    ];
    for (const [change, message] of cases) {
      expect(() => validateChallenges([{ ...good, ...change }]), message.source).toThrow(message);
    }
    expect(() => validateChallenges([good, { ...byId('gae'), id: 'cfg-combine' }])).toThrow(ChallengeDefinitionError);
    expect(() => validateChallenges([good, { ...byId('gae'), id: 'cfg-combine' }])).toThrow(/^cfg-combine: id: is used by two challenges$/);
  });

  it('builds the browser view field by field, with no reference code in it', async () => {
    const registry = createChallengeRegistry();
    for (const c of CHALLENGES) {
      const view = (await registry.forClient(c.id, 'panel'))!;
      expect(Object.keys(view).sort()).toEqual(['cases', 'functionName', 'id', 'questionId', 'seed', 'starter', 'statement', 'title']);
      expect(view.seed).toBe(DEFAULT_CHALLENGE_SEED);
      const fixed = c.cases.length;
      for (const cs of view.cases.slice(0, fixed)) expect(Object.keys(cs).sort()).toEqual(['example', 'expected', 'inputs', 'name', 'tolerance']);
      // A property's calls follow, with no expected output even for the panel: a relation judges them.
      for (const cs of view.cases.slice(fixed)) expect(Object.keys(cs).sort()).toEqual(['example', 'inputs', 'name', 'property', 'tolerance']);
      expect(new Set(view.cases.slice(fixed).map((cs) => cs.property))).toEqual(new Set((c.properties ?? []).map((p) => p.name)));
      const json = JSON.stringify(view);
      expect(json).not.toContain(String(c.reference).slice(0, 200));
      expect(view.starter).toMatch(new RegExp(`^export function ${c.functionName}\\(`));
      expect(view.starter).toContain('// your code');
    }
    expect(await registry.forClient('nope', 'panel')).toBeUndefined();
    expect(await registry.referenceSource('nope')).toBeUndefined();
  });

  it('serves each module’s own text as its reference source', async () => {
    const registry = createChallengeRegistry();
    const source = await registry.referenceSource('dpo-loss');
    expect(source).toBe(fs.readFileSync(path.join(defaultQuestionsDir(), builtInChallengeFile('dpo-loss')!), 'utf8'));
    expect(source).toContain('tf.softplus(tf.neg(margin))');
  });

  it('gives candidates one or two example cases with expected outputs and hides the rest', async () => {
    const registry = createChallengeRegistry();
    for (const c of CHALLENGES) {
      const full = (await registry.cases(c.id))!;
      const view = (await registry.forClient(c.id, 'candidate'))!;
      const examples = view.cases.filter((cs) => cs.example);
      expect(examples.length, c.id).toBeGreaterThanOrEqual(1);
      expect(examples.length, c.id).toBeLessThanOrEqual(2);
      expect(view.cases.length - examples.length, c.id).toBeGreaterThanOrEqual(2);
      view.cases.slice(0, full.length).forEach((cs, i) => {
        expect(cs.inputs).toEqual(full[i]!.inputs);
        if (cs.example) expect(cs.expected).toEqual(full[i]!.expected);
        else expect(Object.keys(cs).sort(), `${c.id} ${cs.name}`).toEqual(['example', 'inputs', 'name', 'tolerance']);
      });
    }
  });

  it('memoises vectors per challenge', async () => {
    const registry = createChallengeRegistry();
    const a = await registry.cases('gae');
    expect(await registry.cases('gae')).toBe(a);
    expect(await registry.cases('nope')).toBeUndefined();
  });
});

describe('test vectors', () => {
  it('are deterministic for a seed: byte-identical JSON from a fresh computation', async () => {
    for (const c of CHALLENGES) {
      const again = await computeCases(c, DEFAULT_CHALLENGE_SEED);
      expect(JSON.stringify(again), c.id).toBe(JSON.stringify(casesOf.get(c.id)));
    }
    const fresh = await createChallengeRegistry({ seed: 7 }).forClient('scaled-dot-product-attention', 'panel');
    const again = await createChallengeRegistry({ seed: 7 }).forClient('scaled-dot-product-attention', 'panel');
    expect(JSON.stringify(fresh)).toBe(JSON.stringify(again));
  });

  it('change with the seed', async () => {
    // A calculator's inputs are written out (model sizes, parallel degrees): nothing to draw.
    const SEED_FREE = ['parallelism-memory'];
    for (const c of CHALLENGES.filter((x) => !SEED_FREE.includes(x.id))) {
      const other = await computeCases(c, DEFAULT_CHALLENGE_SEED + 1);
      const inputs = (cases: ChallengeCase[]) => JSON.stringify(cases.map((x) => x.inputs));
      expect(inputs(other), c.id).not.toBe(inputs(casesOf.get(c.id)!));
      // Hand-written cases do not depend on the seed at all.
      expect(other.map((x) => x.name)).toEqual(casesOf.get(c.id)!.map((x) => x.name));
    }
  });

  it('give each case its own stream', () => {
    expect(caseSeed(1, 'gae', 0)).not.toBe(caseSeed(1, 'gae', 1));
    expect(caseSeed(1, 'gae', 0)).not.toBe(caseSeed(1, 'dpo-loss', 0));
    expect(caseSeed(1, 'gae', 0)).not.toBe(caseSeed(2, 'gae', 0));
    expect(caseSeed(1, 'gae', 0)).toBe(caseSeed(1, 'gae', 0));
  });

  it('hold only finite numbers, float32 data in its shortest form, and 3 to 8 cases', () => {
    for (const c of CHALLENGES) {
      const cases = casesOf.get(c.id)!;
      expect(cases.length, c.id).toBeGreaterThanOrEqual(3);
      const problems: string[] = [];
      const visit = (v: SerializedValue, where: string): void => {
        if (v.kind === 'tensor') {
          if (v.data.length !== v.shape.reduce((a, b) => a * b, 1)) problems.push(`${where}: data does not fit the shape`);
          if (!v.data.every(Number.isFinite)) problems.push(`${where}: non-finite data`);
          if (v.dtype === 'float32' && !v.data.every((x) => compactFloat32(x) === x)) problems.push(`${where}: float32 data not compact`);
        } else if (v.kind === 'array') v.items.forEach((item, i) => visit(item, `${where}[${i}]`));
        else if (v.kind === 'record') for (const [k, item] of Object.entries(v.entries)) visit(item, `${where}.${k}`);
        else if (v.kind === 'number' && !Number.isFinite(v.value)) problems.push(`${where}: ${v.value}`);
      };
      for (const cs of cases) {
        cs.inputs.forEach((input, i) => visit(input, `${cs.name}: input ${i}`));
        visit(cs.expected, `${cs.name}: expected`);
      }
      expect(problems, c.id).toEqual([]);
    }
  });

  it('keep sizes a software GPU can run quickly (one larger attention case)', () => {
    for (const c of CHALLENGES) {
      for (const cs of casesOf.get(c.id)!) {
        for (const input of cs.inputs) {
          if (input.kind !== 'tensor') continue;
          const elements = input.data.length;
          const limit = c.id === 'scaled-dot-product-attention' && cs.name.startsWith('larger') ? 128 * 128 : 64 * 64;
          expect(elements, `${c.id}: ${cs.name}`).toBeLessThanOrEqual(limit);
        }
      }
    }
  });
});

describe('the harness', () => {
  it('every reference passes its own vectors, exactly', () => {
    for (const c of CHALLENGES) {
      for (const result of check(c.id)) {
        expect(result, `${c.id}: ${result.name}`).toMatchObject({ pass: true, maxAbsError: 0 });
      }
    }
  });

  /** Each wrong implementation must fail at least one case, with a numeric error beyond tolerance where it is a numeric miss. */
  const wrong: Array<[string, string, ChallengeDefinition['reference'], 'numeric' | 'structural']> = [
    [
      'scaled-dot-product-attention',
      'no 1/√dK scaling',
      (t: Tf, q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor3D) =>
        t.matMul(t.softmax(t.where(t.cast(mask, 'bool'), t.matMul(q, k, false, true), t.fill([q.shape[0], q.shape[1], k.shape[1]], -1e9))), v),
      'numeric',
    ],
    [
      'scaled-dot-product-attention',
      'softmax over the queries',
      (t: Tf, q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor3D) => {
        const scores = t.div(t.matMul(q, k, false, true), Math.sqrt(q.shape[2]));
        const kept = t.where(t.cast(mask, 'bool'), scores, t.fill(scores.shape, -1e9));
        return t.matMul(t.transpose(t.softmax(t.transpose(kept, [0, 2, 1])), [0, 2, 1]), v);
      },
      'numeric',
    ],
    [
      'scaled-dot-product-attention',
      'a fully blocked row averages v (uniform weights, not the zeros the statement asks for)',
      (t: Tf, q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor3D) => {
        const scores = t.div(t.matMul(q, k, false, true), Math.sqrt(q.shape[2]));
        return t.matMul(t.softmax(t.where(t.cast(mask, 'bool'), scores, t.fill(scores.shape, -1e9))), v);
      },
      'numeric',
    ],
    [
      'scaled-dot-product-attention',
      'masking with -Infinity (NaN on fully blocked rows)',
      (t: Tf, q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor3D) => {
        const scores = t.div(t.matMul(q, k, false, true), Math.sqrt(q.shape[2]));
        return t.matMul(t.softmax(t.where(t.cast(mask, 'bool'), scores, t.fill(scores.shape, -Infinity))), v);
      },
      'numeric',
    ],
    [
      'multi-head-attention',
      'scaled by √dModel instead of √dHead',
      (t: Tf, x: tf.Tensor3D, wQ: tf.Tensor2D, wK: tf.Tensor2D, wV: tf.Tensor2D, wO: tf.Tensor2D, numHeads: number, causal: boolean) => {
        const [b, n, d] = x.shape;
        const heads = (w: tf.Tensor2D) => t.transpose(t.reshape(t.matMul(t.reshape(x, [b * n, d]), w), [b, n, numHeads, d / numHeads]), [0, 2, 1, 3]);
        let scores = t.div(t.matMul(heads(wQ), heads(wK), false, true), Math.sqrt(d));
        if (causal) scores = t.add(scores, t.mul(-1e9, t.sub(1, t.linalg.bandPart(t.ones([n, n]), -1, 0))));
        const merged = t.reshape(t.transpose(t.matMul(t.softmax(scores), heads(wV)), [0, 2, 1, 3]), [b * n, d]);
        return t.reshape(t.matMul(merged, wO), [b, n, d]);
      },
      'numeric',
    ],
    [
      'dpo-loss',
      'wrong sign (rewards the rejected response)',
      (t: Tf, pc: tf.Tensor1D, pr: tf.Tensor1D, rc: tf.Tensor1D, rr: tf.Tensor1D, beta: number) =>
        t.mean(t.softplus(t.mul(beta, t.sub(t.sub(pc, rc), t.sub(pr, rr))))),
      'numeric',
    ],
    [
      'dpo-loss',
      'naive -log(sigmoid(z)), which overflows',
      (t: Tf, pc: tf.Tensor1D, pr: tf.Tensor1D, rc: tf.Tensor1D, rr: tf.Tensor1D, beta: number) =>
        t.mean(t.neg(t.log(t.sigmoid(t.mul(beta, t.sub(t.sub(pc, rc), t.sub(pr, rr))))))),
      'numeric',
    ],
    ['gae', 'λ = 1 instead of λ', (t: Tf, r: number[], v: number[], gamma: number) => byId('gae').reference(t, r, v, gamma, 1), 'numeric'],
    [
      'ppo-clipped-gae',
      'π_ref used in place of π_old',
      (t: Tf, newLogp: tf.Tensor2D, _old: tf.Tensor2D, ref: tf.Tensor2D, ...rest: unknown[]) => byId('ppo-clipped-gae').reference(t, newLogp, ref, ref, ...rest),
      'numeric',
    ],
    [
      'ddpm-step',
      'α̅ confused with α (no cumulative product)',
      (t: Tf, x: tf.Tensor4D, eps: tf.Tensor4D, step: number, betas: number[], noise: tf.Tensor4D) => {
        const beta = betas[step]!;
        const sigma = step === 0 ? 0 : Math.sqrt(beta);
        return t.add(t.div(t.sub(x, t.mul(beta / Math.sqrt(beta), eps)), Math.sqrt(1 - beta)), t.mul(sigma, noise));
      },
      'numeric',
    ],
    [
      'ddim-step',
      'η ignored (always deterministic)',
      (t: Tf, x: tf.Tensor4D, eps: tf.Tensor4D, abT: number, abPrev: number, _eta: number, noise: tf.Tensor4D) =>
        byId('ddim-step').reference(t, x, eps, abT, abPrev, 0, noise),
      'numeric',
    ],
    [
      'cfg-combine',
      'conditional and unconditional halves swapped',
      (t: Tf, eps: tf.Tensor4D, scale: number) => {
        const [first, second] = t.split(eps, 2, 0);
        return t.add(second!, t.mul(scale, t.sub(first!, second!)));
      },
      'numeric',
    ],
    [
      'linear-attention-elu',
      'keys and values summed over the batch too',
      (t: Tf, q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, causal: boolean) => {
        const mixed = (x: tf.Tensor4D) => t.tile(t.mean(x, 0, true), [x.shape[0], 1, 1, 1]) as tf.Tensor4D;
        return byId('linear-attention-elu').reference(t, q, mixed(k), mixed(v), causal);
      },
      'numeric',
    ],
    ['sliding-window-mask', '< instead of ≤ at the window edge', (t: Tf, n: number, w: number, g: number, causal: boolean) => byId('sliding-window-mask').reference(t, n, w - 1, g, causal), 'numeric'],
    [
      'distinct-n',
      'tokens joined without a separator',
      (_t: Tf, samples: string[], n: number) => {
        const seen = new Set<string>();
        let total = 0;
        for (const s of samples) {
          const tokens = s.split(/\s+/).filter(Boolean);
          for (let i = 0; i + n <= tokens.length; i++, total++) seen.add(tokens.slice(i, i + n).join(''));
        }
        return total === 0 ? 0 : seen.size / total;
      },
      'numeric',
    ],
    [
      'bleu',
      'sentence BLEU averaged instead of corpus BLEU',
      (t: Tf, candidates: string[], references: string[][]) =>
        candidates.reduce((sum, c, i) => sum + (byId('bleu').reference(t, [c], [references[i]!]) as number), 0) / candidates.length,
      'numeric',
    ],
    [
      'speculative-acceptance',
      'no bonus token after all drafts are accepted',
      (t: Tf, tokens: number[], q: number[][], p: number[][], u: number[]) => {
        const out = byId('speculative-acceptance').reference(t, tokens, q, p, u) as number[];
        return out.length === tokens.length + 1 ? out.slice(0, -1) : out;
      },
      'structural',
    ],
  ];
  for (const [id, mistake, implementation, kind] of wrong) {
    it(`fails ${id} with ${mistake}`, () => {
      const results = check(id, implementation);
      const failed = results.filter((r) => !r.pass);
      expect(failed.length, JSON.stringify(results)).toBeGreaterThan(0);
      if (kind === 'numeric') {
        const tolerance = byId(id).tolerance;
        expect(failed.some((r) => r.maxAbsError !== null && r.maxAbsError > tolerance.abs), JSON.stringify(failed)).toBe(true);
      } else {
        expect(failed.some((r) => r.message), JSON.stringify(failed)).toBe(true);
      }
    });
  }
});

describe('hand-computed examples', () => {
  it('attention: 2 queries over 2 keys', () => {
    const out = dataOf(run('scaled-dot-product-attention', [
      tensor([1, 2, 2], [1, 0, 0, 1]),
      tensor([1, 2, 2], [1, 0, 0, 1]),
      tensor([1, 2, 2], [1, 2, 3, 4]),
      tensor([1, 2, 2], [1, 1, 1, 1]),
    ]));
    // Scores are I/√2, so each query puts σ(1/√2) on its own key and the rest on the other.
    const own = 1 / (1 + Math.exp(-Math.SQRT1_2));
    const expected = [own * 1 + (1 - own) * 3, own * 2 + (1 - own) * 4, (1 - own) * 1 + own * 3, (1 - own) * 2 + own * 4];
    out.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 6));
  });

  it('attention: a fully blocked row is zeros; a lone key is copied', () => {
    const v = [1, 2, 3, 4];
    const out = dataOf(run('scaled-dot-product-attention', [
      tensor([1, 2, 2], [5, -3, 2, 7]),
      tensor([1, 2, 2], [1, 4, -2, 0]),
      tensor([1, 2, 2], v),
      tensor([1, 2, 2], [0, 0, 0, 1]),
    ]));
    expect(out).toEqual([0, 0, 3, 4]);
  });

  it('DPO: margin 1 gives log(1 + e⁻¹); policy = reference gives log 2', () => {
    const loss = dataOf(run('dpo-loss', [tensor([1], [-10]), tensor([1], [-12]), tensor([1], [-11]), tensor([1], [-11]), num(0.5)]))[0]!;
    expect(loss).toBeCloseTo(Math.log(1 + Math.exp(-1)), 6);
    const same = dataOf(run('dpo-loss', [tensor([2], [-5, -9]), tensor([2], [-7, -3]), tensor([2], [-5, -9]), tensor([2], [-7, -3]), num(0.1)]))[0]!;
    expect(same).toBeCloseTo(Math.LN2, 6);
  });

  it('GAE: two steps by hand', () => {
    // δ₁ = 0 + 0 − 0.2 = −0.2, Â₁ = −0.2; δ₀ = 1 + 0.2 − 0.5 = 0.7, Â₀ = 0.7 + 0.5·(−0.2) = 0.6
    const adv = itemsOf(run('gae', [numbers([1, 0]), numbers([0.5, 0.2, 0]), num(1), num(0.5)]));
    expect(adv[0]).toBeCloseTo(0.6, 12);
    expect(adv[1]).toBeCloseTo(-0.2, 12);
  });

  it('PPO: an unmoved policy gives −mean(Â); padding is ignored', () => {
    const shape = [1, 3];
    const out = run('ppo-clipped-gae', [
      tensor(shape, [-1, -2, -9]),
      tensor(shape, [-1, -2, -9]),
      tensor(shape, [-1, -2, -9]),
      tensor(shape, [0.5, 0.25, 42]),
      tensor([1], [2]),
      tensor(shape, [1, 1, 0]),
      { kind: 'record', entries: { beta: num(0.1), gamma: num(1), lambda: num(1), clipEps: num(0.2) } },
    ]) as { kind: 'record'; entries: Record<string, SerializedValue> };
    // No KL (old = ref): r = [0, 2]; with γ = λ = 1, Â_t = return-to-go − V_t = [2 − 0.5, 2 − 0.25].
    expect(dataOf(out.entries.advantages!)).toEqual([1.5, 1.75, 0]);
    expect(dataOf(out.entries.returns!)).toEqual([2, 2, 0]);
    expect(dataOf(out.entries.loss!)[0]).toBeCloseTo(-(1.5 + 1.75) / 2, 6);
  });

  it('DDIM with η = 0 and the true noise recovers the forward sample at s, and x₀ at the end', () => {
    const x0 = [0.5, -1, 0.25, 2];
    const eps = [1, 0.5, -0.75, -1.5];
    const [abT, abS] = [0.3, 0.8];
    const xT = x0.map((x, i) => Math.sqrt(abT) * x + Math.sqrt(1 - abT) * eps[i]!);
    const shape = [1, 2, 2, 1];
    const zero = tensor(shape, [0, 0, 0, 0]);
    const xS = dataOf(run('ddim-step', [tensor(shape, xT), tensor(shape, eps), num(abT), num(abS), num(0), zero]));
    xS.forEach((x, i) => expect(x).toBeCloseTo(Math.sqrt(abS) * x0[i]! + Math.sqrt(1 - abS) * eps[i]!, 5));
    const end = dataOf(run('ddim-step', [tensor(shape, xT), tensor(shape, eps), num(abT), num(1), num(0), zero]));
    end.forEach((x, i) => expect(x).toBeCloseTo(x0[i]!, 5));
  });

  it('DDPM: the step at t = 0 adds no noise and equals x̂₀', () => {
    const shape = [1, 1, 1, 2];
    const out = dataOf(run('ddpm-step', [tensor(shape, [1, -1]), tensor(shape, [0.5, 0.25]), num(0), numbers([0.19, 0.5]), tensor(shape, [100, 100])]));
    // t = 0: ᾱ₀ = α₀ = 0.81, so x₋₁ = (x − √0.19·ε)/0.9 with σ₀ = 0.
    expect(out[0]).toBeCloseTo((1 - Math.sqrt(0.19) * 0.5) / 0.9, 5);
    expect(out[1]).toBeCloseTo((-1 - Math.sqrt(0.19) * 0.25) / 0.9, 5);
  });

  it('CFG: w = 0 and w = 1 return the two halves', () => {
    const eps = tensor([2, 1, 1, 2], [1, 2, 5, 9]);
    expect(dataOf(run('cfg-combine', [eps, num(0)]))).toEqual([1, 2]);
    expect(dataOf(run('cfg-combine', [eps, num(1)]))).toEqual([5, 9]);
    expect(dataOf(run('cfg-combine', [eps, num(2)]))).toEqual([9, 16]);
  });

  it('sliding window: n 4, ±1, one global token', () => {
    expect(dataOf(run('sliding-window-mask', [num(4), num(1), num(1), { kind: 'boolean', value: false }]))).toEqual([
      1, 1, 1, 1,
      1, 1, 1, 0,
      1, 1, 1, 1,
      1, 0, 1, 1,
    ]);
    expect(dataOf(run('sliding-window-mask', [num(4), num(1), num(1), { kind: 'boolean', value: true }]))).toEqual([
      1, 0, 0, 0,
      1, 1, 0, 0,
      1, 1, 1, 0,
      1, 0, 1, 1,
    ]);
  });

  it('linear attention: one key copies its value; equal keys average', () => {
    const one = dataOf(run('linear-attention-elu', [tensor([1, 1, 1, 2], [0.3, -0.2]), tensor([1, 1, 1, 2], [1, 2]), tensor([1, 1, 1, 3], [4, 5, 6]), { kind: 'boolean', value: false }]));
    one.forEach((x, i) => expect(x).toBeCloseTo([4, 5, 6][i]!, 5));
    const avg = dataOf(run('linear-attention-elu', [tensor([1, 1, 1, 1], [0]), tensor([1, 1, 2, 1], [0, 0]), tensor([1, 1, 2, 1], [2, 4]), { kind: 'boolean', value: false }]));
    expect(avg[0]).toBeCloseTo(3, 5);
  });

  it('distinct-1 and distinct-2 on a tiny corpus', () => {
    const corpus = strings(['the cat sat', 'the cat ran']);
    expect(valueOf(run('distinct-n', [corpus, num(1)]))).toBe(4 / 6); // the, cat, sat, ran of 6 tokens
    expect(valueOf(run('distinct-n', [corpus, num(2)]))).toBe(3 / 4); // "the cat" twice, "cat sat", "cat ran"
    expect(valueOf(run('distinct-n', [strings([]), num(1)]))).toBe(0);
  });

  it('BLEU: identical text scores 1; a shorter candidate pays the brevity penalty', () => {
    expect(valueOf(run('bleu', [strings(['a b c d e']), list([strings(['a b c d e'])])]))).toBe(1);
    // Every n-gram matches, c = 5, r = 6: BLEU = exp(1 − 6/5).
    expect(valueOf(run('bleu', [strings(['a b c d e']), list([strings(['a b c d e f'])])]))).toBeCloseTo(Math.exp(1 - 6 / 5), 12);
    // Tie between lengths 4 and 6 for a candidate of 5: the shorter wins, so no penalty.
    expect(valueOf(run('bleu', [strings(['a b c d e']), list([strings(['a b c d e f', 'a b c d'])])]))).toBe(1);
  });

  it('speculative decoding with fixed uniforms', () => {
    const q = [[0.5, 0.3, 0.2], [0.2, 0.6, 0.2]];
    const p = [[0.25, 0.5, 0.25], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8]];
    const accept = (u: number[]) => itemsOf(run('speculative-acceptance', [numbers([0, 1]), list(q.map((r) => numbers(r))), list(p.map((r) => numbers(r))), numbers(u)]));
    // Ratios are 0.25/0.5 = 0.5 and 0.3/0.6 = 0.5.
    expect(accept([0.4, 0.9, 0.7])).toEqual([0, 2]); // second rejected: residual (0, 0, 0.3) -> id 2
    expect(accept([0.6, 0.1, 0.05])).toEqual([1]); // first rejected: residual (0, 0.2, 0.05)/0.25, u 0.05 < 0.8 -> id 1
    expect(accept([0.1, 0.1, 0.15])).toEqual([0, 1, 1]); // all accepted: bonus from (0.1, 0.1, 0.8), u 0.15 -> id 1
  });
});

describe('randomness and values', () => {
  it('mulberry32 is a pure function of its seed, uniform in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(new Set(xs).size).toBe(1000);
  });

  it('normal draws have mean ≈ 0 and variance ≈ 1', () => {
    const rng = createRng(3);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(() => rng.int(3, 3)).toThrow(RangeError);
  });

  it('compactFloat32 keeps the float32 bits and shortens the text', () => {
    const rng = createRng(11);
    for (let i = 0; i < 2000; i++) {
      const x = rng.normal() * 10 ** rng.int(-6, 6);
      const short = compactFloat32(x);
      expect(Math.fround(short)).toBe(Math.fround(x));
      expect(String(short).replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
    }
    expect(compactFloat32(0.1)).toBe(0.1);
    expect(compactFloat32(Math.fround(0.1))).toBe(0.1);
    expect(compactFloat32(-0)).toBe(0);
  });

  it('toCallArgs and fromCallValue round-trip every kind', () => {
    const values: SerializedValue[] = [
      tensor([2, 2], [1.5, -2, 0.25, 3]),
      tensor([3], [1, 0, 1], 'bool'),
      tensor([], [7], 'int32'),
      num(2.5),
      { kind: 'string', value: 'hi' },
      { kind: 'boolean', value: true },
      list([num(1), list([strings(['a'])])]),
      { kind: 'record', entries: { a: num(1), t: tensor([1], [4]) } },
    ];
    const args = toCallArgs(tfc, values);
    expect(args[3]).toBe(2.5);
    expect((args[0] as tf.Tensor).shape).toEqual([2, 2]);
    expect((args[2] as tf.Tensor).rank).toBe(0);
    expect(tensorsIn(tfc, args)).toHaveLength(4);
    expect(args.map((a) => fromCallValue(tfc, a))).toEqual(values);
    for (const t of tensorsIn(tfc, args)) t.dispose();
    expect(fromCallValue(tfc, new Float32Array([0.5, 2]))).toEqual(numbers([0.5, 2]));
  });

  it('fromCallValue names what it cannot serialise', () => {
    expect(() => fromCallValue(tfc, undefined)).toThrow(ChallengeValueError);
    expect(() => fromCallValue(tfc, undefined)).toThrow(/^output: cannot serialise undefined/);
    expect(() => fromCallValue(tfc, { loss: Promise.resolve(1) })).toThrow(/^output\.loss: cannot serialise a Promise/);
    expect(() => fromCallValue(tfc, [1, () => 2])).toThrow(/^output\[1\]: cannot serialise a function/);
    expect(() => fromCallValue(tfc, new Map())).toThrow(/a Map/);
    const disposed = tfc.scalar(1);
    disposed.dispose();
    expect(() => fromCallValue(tfc, disposed)).toThrow(/already disposed/);
  });
});
