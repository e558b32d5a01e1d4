/**
 * A question's front matter `diagram:` is what the room's "Insert template" offers for it, so every
 * such name must be a shipped template, and every template must serve the question that names it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatShape, shapesOfLabel } from '../../client/canvas/shapes.js';
import { defaultQuestionsDir, loadQuestionBank } from '../../server/questions/load.js';
import { libraryItems } from '../../questions/_lib/diagrams/index.js';
import { BUILT_IN_DIAGRAMS, templates } from '../../questions/index.js';
import { Q2_D_MODEL, Q2_HEADS } from '../../questions/q02-long-sequence-transformer/long-sequence-transformer.diagram.js';

const questions = loadQuestionBank(defaultQuestionsDir()).list();
const byId = new Map(templates.map((t) => [t.id, t]));

describe('diagram templates and question front matter', () => {
  it('every question’s `diagram` names an existing template', () => {
    const named = questions.filter((q) => q.diagram !== undefined);
    expect(named.length).toBeGreaterThanOrEqual(5);
    for (const q of named) expect(byId.has(q.diagram!), `${q.file}: diagram "${q.diagram}" is not a template id`).toBe(true);
  });

  it('every template is named by the question file it says it serves', () => {
    for (const template of templates) {
      const question = questions.find((q) => q.file === template.question);
      expect(question, `${template.id}: no question file ${template.question}`).toBeDefined();
      expect(question!.diagram, template.id).toBe(template.id);
    }
  });

  it('template ids are unique and element ids keep their per-template prefix', () => {
    expect(byId.size).toBe(templates.length);
    const prefixes = new Set<string>();
    for (const template of templates) {
      const ids = template.elements.map((e) => (e as { id?: string }).id ?? '');
      const prefix = ids[0]!.split('-')[0]!;
      expect(prefix, template.id).toMatch(/^q\d{2}$/);
      for (const id of ids) expect(id.startsWith(`${prefix}-`), `${template.id}: ${id}`).toBe(true);
      prefixes.add(prefix);
    }
    expect(prefixes.size).toBe(templates.length);
  });
});

/**
 * Issue 16's structure: each built-in template lives in the folder of the question it serves, as
 * `<slug>/<id>.diagram.ts`, and questions/index.ts registers every such file.
 */
describe('diagram modules in question folders', () => {
  const dir = defaultQuestionsDir();
  const moduleFiles = fs
    .readdirSync(dir)
    .filter((folder) => !folder.startsWith('_') && fs.statSync(path.join(dir, folder)).isDirectory())
    .flatMap((folder) => fs.readdirSync(path.join(dir, folder)).filter((f) => f.endsWith('.diagram.ts')).map((f) => `${folder}/${f}`));

  it('questions/index.ts registers every *.diagram.ts in the question folders, and nothing else', () => {
    expect(moduleFiles.length).toBeGreaterThanOrEqual(5);
    expect([...moduleFiles].sort()).toEqual(BUILT_IN_DIAGRAMS.map((d) => d.file).sort());
    expect(templates).toEqual(BUILT_IN_DIAGRAMS.map((d) => d.template));
  });

  it('each diagram file is named after its id, says it serves the question.md beside it, which names it back', async () => {
    for (const file of moduleFiles) {
      const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default: (typeof templates)[number] };
      const template = mod.default;
      expect(`${template.id}.diagram.ts`, file).toBe(path.basename(file));
      expect(template.question, file).toBe(`${path.dirname(file)}/question.md`);
      const question = questions.find((q) => q.file === template.question);
      expect(question?.diagram, file).toBe(template.id);
    }
  });

  it('every question that names a built-in diagram has that diagram file in its own folder', () => {
    for (const q of questions.filter((q) => q.diagram !== undefined)) {
      expect(moduleFiles, q.file).toContain(`${path.dirname(q.file)}/${q.diagram}.diagram.ts`);
    }
  });
});

/** Issue 16's diagram errors: each template says what its guide says. */
describe('diagram templates agree with their guides', () => {
  type Skeleton = { id?: string; type: string; label?: { text: string }; start?: { id: string }; end?: { id: string }; customData?: Record<string, unknown> };
  const elementsOf = (id: string) => byId.get(id)!.elements as Skeleton[];
  const labelOf = (id: string, elementId: string) => {
    const el = elementsOf(id).find((e) => e.id === elementId);
    if (!el?.label) throw new Error(`${id}: no labelled element ${elementId}`);
    return el.label.text;
  };
  const outputOf = (id: string, elementId: string) => formatShape(shapesOfLabel(labelOf(id, elementId))!.output);
  const sourcesOf = (id: string, elementId: string) =>
    elementsOf(id).filter((e) => e.type === 'arrow' && e.end?.id === elementId).map((e) => e.start!.id);
  const guideOf = (file: string) => fs.readFileSync(path.join(defaultQuestionsDir(), file), 'utf8').replace(/\s+/g, ' ');

  it('Q4: value, KL, rewards and advantages are per token [B, T]; GAE is written out; the PPO loss has the min', () => {
    for (const block of ['q04-value', 'q04-kl', 'q04-token-rewards', 'q04-advantages']) expect(outputOf('rlhf-ppo-loop', block), block).toBe('[B, T]');
    // Only the reward model's score is one number per response, and it lands on the last token.
    expect(outputOf('rlhf-ppo-loop', 'q04-reward')).toBe('[B, 1]');
    const advantages = labelOf('rlhf-ppo-loop', 'q04-advantages');
    expect(advantages).not.toContain('r − β·KL − V');
    expect(advantages).toContain('δₜ = rₜ + γ·V(sₜ₊₁) − V(sₜ)');
    expect(advantages).toContain('Âₜ = δₜ + γλ·Âₜ₊₁');
    expect(labelOf('rlhf-ppo-loop', 'q04-ppo-update')).toContain('min(ρₜ·Âₜ, clip(ρₜ, 1−ε, 1+ε)·Âₜ)');
    // The ratio is against π_old, which the update must receive.
    expect(sourcesOf('rlhf-ppo-loop', 'q04-ppo-update')).toEqual(expect.arrayContaining(['q04-advantages', 'q04-old-logp']));
  });

  it('Q2: the output head is per token, fed by the path back down from the global encoder', () => {
    expect(outputOf('long-sequence-transformer', 'q02-head')).toBe('[B, T, V]');
    expect(sourcesOf('long-sequence-transformer', 'q02-head')).toEqual(['q02-merge']);
    expect(sourcesOf('long-sequence-transformer', 'q02-merge').sort()).toEqual(['q02-broadcast', 'q02-ffn']);
    expect(sourcesOf('long-sequence-transformer', 'q02-broadcast')).toEqual(['q02-global-encoder']);
    // The guide's width and heads are the diagram's.
    const guide = guideOf('q02-long-sequence-transformer/question.md');
    expect(guide).toContain(`width $d = ${Q2_D_MODEL}$, ${Q2_HEADS} heads`);
    expect(labelOf('long-sequence-transformer', 'q02-sparse-attention')).toContain(`[B, T, ${Q2_D_MODEL}]`);
    expect(labelOf('long-sequence-transformer', 'q02-sparse-attention')).toContain(`(h=${Q2_HEADS})`);
    // The key patterns carry no layer of their own.
    for (const part of ['q02-local-window', 'q02-global-tokens', 'q02-random-attention']) {
      expect(elementsOf('long-sequence-transformer').find((e) => e.id === part)!.customData?.params, part).toBeUndefined();
    }
  });

  it('Q12: draft probabilities reach the ratio test; the output is 1 … k+1 tokens with a bonus; draft ≠ target', () => {
    expect(sourcesOf('speculative-decoding', 'q12-accept')).toEqual(expect.arrayContaining(['q12-target', 'q12-draft', 'q12-draft-tokens']));
    expect(outputOf('speculative-decoding', 'q12-draft')).toBe('[B, k, V]');
    expect(outputOf('speculative-decoding', 'q12-target')).toBe('[B, k+1, V]');
    const accept = labelOf('speculative-decoding', 'q12-accept');
    expect(accept).toContain('bonus token from p_{k+1}');
    expect(accept).toContain('n = 1 … k+1');
    expect(outputOf('speculative-decoding', 'q12-accept')).toBe('[B, n]');
    const size = (elementId: string) => Number(/\((\d+)B\)/.exec(labelOf('speculative-decoding', elementId))![1]);
    expect(size('q12-draft')).toBeLessThan(size('q12-target'));
    for (const model of ['q12-draft', 'q12-target']) expect(elementsOf('speculative-decoding').find((e) => e.id === model)!.customData?.params, model).toBeUndefined();
  });

  it('Q7: the fusion over one concatenated sequence is called self-attention, and it gets a padding mask', () => {
    const fusion = labelOf('multimodal-fusion', 'q07-fusion');
    expect(fusion).toContain('Joint self-attention');
    expect(fusion).not.toMatch(/cross-attention/i);
    expect(sourcesOf('multimodal-fusion', 'q07-fusion')).toContain('q07-padding-mask');
    expect(labelOf('multimodal-fusion', 'q07-padding-mask')).toContain('Key-padding mask');
  });

  it('Q5: the loop goes to the next timestep of the schedule, which for DDIM skips steps', () => {
    const loop = elementsOf('ddpm-ddim-sampling').find((e) => e.id === 'q05-a-scheduler-unet')!;
    expect(loop.label!.text).not.toBe('t ← t−1');
    expect(loop.label!.text).toContain('next timestep in the schedule');
    expect(loop.label!.text).toContain('DDIM');
  });

  it('the expanded transformer block has both residual arrows', () => {
    const item = libraryItems.find((i) => i.id === 'lib-transformer-block-expanded')!;
    const into = (target: string) =>
      (item.elements as Skeleton[]).filter((e) => e.type === 'arrow' && e.end?.id === target).map((e) => e.start!.id).sort();
    expect(into('lib-tb-add1')).toEqual(['lib-tb-input', 'lib-tb-mha']);
    expect(into('lib-tb-add2')).toEqual(['lib-tb-add1', 'lib-tb-ffn']);
  });
});
