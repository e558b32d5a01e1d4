// The attachment registry (server/questions/attachments.ts): each kind validates, slices for the
// candidate and gives a screen view; and the bank loader (server/questions/bank.ts) on a custom
// QUESTIONS_DIR replaces the built-in challenges and diagrams.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { templates } from '../../questions/index.js';
import { createChallengeRegistry } from '../../server/challenges/registry.js';
import {
  ATTACHMENT_KINDS,
  ATTACHMENTS,
  attachmentsOf,
  candidateAttachments,
  screenViews,
  validateAttachments,
  type AttachmentContext,
} from '../../server/questions/attachments.js';
import { loadBank } from '../../server/questions/bank.js';
import { defaultQuestionsDir, loadQuestionBank, questionBankFrom } from '../../server/questions/load.js';

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'questions-valid');
const builtIn = loadQuestionBank(defaultQuestionsDir());
const ctx: AttachmentContext = { challenges: createChallengeRegistry(), diagramIds: templates.map((t) => t.id) };
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'attn-attachments-'));
afterAll(() => fs.rmSync(tempRoot, { recursive: true, force: true }));

describe('the attachment registry', () => {
  it('has the three kinds, each with validate, candidate view and screen view', () => {
    expect(ATTACHMENT_KINDS).toEqual(['challenge', 'diagram', 'listing']);
    for (const kind of ATTACHMENT_KINDS) {
      const h = ATTACHMENTS[kind];
      expect(h.kind).toBe(kind);
      for (const fn of [h.present, h.validate, h.candidateView, h.screenView]) expect(typeof fn).toBe('function');
    }
  });

  it('accepts the built-in bank and gives each question the views of what it carries', () => {
    expect(() => validateAttachments(builtIn, ctx)).not.toThrow();
    const q12 = builtIn.get('q12')!;
    expect(attachmentsOf(q12).map((h) => h.kind)).toEqual(['challenge', 'diagram']);
    expect(candidateAttachments(q12)).toEqual({ challenge: 'speculative-acceptance', diagram: 'speculative-decoding' });
    const views = screenViews(q12, ctx);
    expect(views.diagram).toEqual({ target: 'board', templateId: 'speculative-decoding' });
    expect(views.challenge).toEqual({ target: 'pad', text: ctx.challenges.get('speculative-acceptance')!.starter });
    expect(candidateAttachments(builtIn.get('q8')!)).toEqual({});
  });

  it('slices a listing: the candidate view has the code, never the defects', () => {
    const q = builtIn.get('q14')!;
    const view = candidateAttachments(q);
    expect(view).toEqual({ listing: { language: 'python', code: q.listing!.code } });
    expect(JSON.stringify(view)).not.toContain('"defects"');
    expect(screenViews(q, ctx).listing).toEqual({ target: 'pad', text: q.listing!.code });
  });

  it('stops the bank on a mistyped diagram or challenge id, or a listing line out of range, as file: field: problem', () => {
    const q5 = builtIn.get('q5')!;
    expect(() => validateAttachments(questionBankFrom([{ ...q5, diagram: 'ddpm-ddim-samplng' }]), ctx)).toThrow(
      /^q05-ddpm-vs-ddim\/question\.md: diagram: no diagram template "ddpm-ddim-samplng" in the bank \(known: long-sequence-transformer, /,
    );
    expect(() => validateAttachments(questionBankFrom([{ ...q5, challenge: 'ddim-stpe' }]), ctx)).toThrow(
      /^q05-ddpm-vs-ddim\/question\.md: challenge: no challenge "ddim-stpe" in the bank \(known: /,
    );
    const q13 = builtIn.get('q13')!;
    const listing = { ...q13.listing!, defects: [{ ...q13.listing!.defects[0]!, line: 999 }] };
    expect(() => validateAttachments(questionBankFrom([{ ...q13, listing }]), ctx)).toThrow(
      /^q13-bug-rlhf-step\/listing\.yaml: defects\[0\]\.line: is 999 but the listing has \d+ lines$/,
    );
  });
});

describe('a custom QUESTIONS_DIR (loadBank)', () => {
  it('loads its own challenge module and diagram instead of the built-in ones', async () => {
    const bank = await loadBank(FIXTURE);
    expect(bank.questions.list().map((q) => q.id)).toEqual(['alpha', 'beta']);
    expect(bank.challenges.map((c) => [c.definition.id, path.relative(FIXTURE, c.sourceFile)])).toEqual([
      ['alpha-challenge', path.join('01-alpha', 'alpha-challenge.challenge.mjs')],
    ]);
    expect(bank.diagrams.map((d) => [d.id, d.question])).toEqual([['alpha-diagram', '01-alpha/question.md']]);
    const registry = createChallengeRegistry({ definitions: bank.challenges.map((c) => c.definition) });
    expect(() => validateAttachments(bank.questions, { challenges: registry, diagramIds: bank.diagrams.map((d) => d.id) })).not.toThrow();
    // The built-in bank's diagrams are not known to it.
    expect(() => validateAttachments(questionBankFrom([{ ...bank.questions.get('alpha')!, diagram: 'speculative-decoding' }]), { challenges: registry, diagramIds: bank.diagrams.map((d) => d.id) })).toThrow(
      /^01-alpha\/question\.md: diagram: no diagram template "speculative-decoding" in the bank \(known: alpha-diagram\)$/,
    );
  });

  it('uses the static index for the built-in bank', async () => {
    const bank = await loadBank(defaultQuestionsDir());
    expect(bank.challenges.map((c) => c.definition.id)).toEqual(createChallengeRegistry().list().map((c) => c.id));
    expect(bank.diagrams).toBe(templates);
  });

  it('names the file for a module that does not load or exports the wrong id, and for a bad diagram', async () => {
    const make = (name: string, files: Record<string, string>) => {
      const dir = path.join(tempRoot, name);
      fs.cpSync(path.join(FIXTURE, '02-beta'), path.join(dir, 'q1'), { recursive: true });
      for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'q1', file), text);
      return dir;
    };
    await expect(loadBank(make('throws', { 'boom.challenge.mjs': 'throw new Error("kaboom");' }))).rejects.toThrow(
      /^q1\/boom\.challenge\.mjs: module: cannot be loaded \(kaboom\)$/,
    );
    await expect(loadBank(make('wrong-id', { 'one.challenge.mjs': 'export default { id: "two" };' }))).rejects.toThrow(
      /^q1\/one\.challenge\.mjs: id: is "two" but the file is named for "one"$/,
    );
    await expect(loadBank(make('bad-diagram', { 'd.diagram.json': '{"title": "x", "elements": []}' }))).rejects.toThrow(
      /^q1\/d\.diagram\.json: elements: must be a non-empty list of Excalidraw element skeletons$/,
    );
  });

  it("refuses a diagram element the board's insert could not place, or one that would embed outside content", async () => {
    const diagram = (elements: unknown[]) => JSON.stringify({ title: 'x', elements });
    const box = { type: 'rectangle', x: 0, y: 0, width: 10, height: 10 };
    const cases: [string, unknown[], RegExp][] = [
      ['not-object', [box, 'rectangle'], /^q1\/d\.diagram\.json: elements\[1\]: must be an object$/],
      ['embed', [{ type: 'embeddable', x: 0, y: 0, link: 'https://example.com' }], /^q1\/d\.diagram\.json: elements\[0\]\.type: must be one of rectangle, ellipse, diamond, arrow, line, text, freedraw$/],
      ['image', [box, { type: 'image', x: 0, y: 0, fileId: 'f' }], /^q1\/d\.diagram\.json: elements\[1\]\.type: must be one of /],
      ['no-x', [{ type: 'ellipse', y: 0 }], /^q1\/d\.diagram\.json: elements\[0\]\.x: must be a finite number$/],
      ['string-y', [{ type: 'ellipse', x: 0, y: '5' }], /^q1\/d\.diagram\.json: elements\[0\]\.y: must be a finite number$/],
      ['text', [{ type: 'text', x: 0, y: 0 }], /^q1\/d\.diagram\.json: elements\[0\]\.text: must be a string$/],
    ];
    for (const [name, elements, error] of cases) {
      const dir = path.join(tempRoot, `element-${name}`);
      fs.cpSync(path.join(FIXTURE, '02-beta'), path.join(dir, 'q1'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'q1', 'd.diagram.json'), diagram(elements));
      await expect(loadBank(dir), name).rejects.toThrow(error);
    }
  });

  it('accepts every built-in template as a custom bank file: the element rules are no narrower than they need', async () => {
    const dir = path.join(tempRoot, 'built-in-as-custom');
    fs.cpSync(path.join(FIXTURE, '02-beta'), path.join(dir, 'q1'), { recursive: true });
    for (const t of templates) fs.writeFileSync(path.join(dir, 'q1', `${t.id}.diagram.json`), JSON.stringify({ title: t.title, elements: t.elements }));
    const bank = await loadBank(dir);
    expect(bank.diagrams.map((d) => d.id).sort()).toEqual(templates.map((t) => t.id).sort());
  });
});
