/**
 * A question's front matter `diagram:` is what the room's "Insert template" offers for it, so every
 * such name must be a shipped template, and every template must serve the question that names it.
 */
import { describe, expect, it } from 'vitest';
import { defaultQuestionsDir, loadQuestionBank } from '../../server/questions/load.js';
import { templates } from '../../questions/diagrams/index.js';

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
