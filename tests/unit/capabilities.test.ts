import { describe, expect, it } from 'vitest';
import { CAPABILITIES, CAPABILITY_NAMES, can, capabilitiesOf, rolesWith, type Capability } from '../../shared/capabilities.js';
import { DOC_ACCESS, DOC_NAMES, ROLES, docAccess } from '../../shared/protocol.js';

describe('the capability table', () => {
  it('gives every capability at least one role, each role once, in ROLES order', () => {
    expect(CAPABILITY_NAMES.length).toBeGreaterThan(0);
    for (const capability of CAPABILITY_NAMES) {
      const roles = rolesWith(capability);
      expect(roles.length, capability).toBeGreaterThan(0);
      expect(new Set(roles).size, capability).toBe(roles.length);
      // The order feeds the 403 sentence, so it must not depend on how a row was typed.
      expect([...roles], capability).toEqual(ROLES.filter((role) => roles.includes(role)));
    }
  });

  it('answers can() from the table and nothing else', () => {
    for (const role of ROLES) {
      for (const capability of CAPABILITY_NAMES) {
        expect(can(role, capability), `${role} ${capability}`).toBe((CAPABILITIES[capability] as readonly string[]).includes(role));
      }
      expect(capabilitiesOf(role)).toEqual(CAPABILITY_NAMES.filter((capability) => can(role, capability)));
    }
  });

  it('derives the document access matrix the sync server enforced before the table existed', () => {
    expect(DOC_ACCESS).toEqual({
      board: { interviewer: 'write', candidate: 'write', observer: 'read' },
      panel: { interviewer: 'write', candidate: 'none', observer: 'read' },
    });
    for (const doc of DOC_NAMES) {
      for (const role of ROLES) {
        expect(docAccess(doc, role)).toBe(can(role, `${doc}.write`) ? 'write' : can(role, `${doc}.read`) ? 'read' : 'none');
      }
    }
  });

  it('never lets a candidate read the panel, expected answers, reference solutions, the scorecard or the history', () => {
    const interviewerOnlyData: Capability[] = [
      'panel.read',
      'panel.write',
      'questions.read',
      'challenge.reference.read',
      'challenge.expected.read',
      'scorecard.read',
      'history.read',
      'links.manage',
      'attachments.manage',
      'recording.control',
      'setup.hints',
    ];
    for (const capability of interviewerOnlyData) expect(can('candidate', capability), capability).toBe(false);
    expect(docAccess('panel', 'candidate')).toBe('none');
  });

  it('keeps observers read-only', () => {
    const writes: Capability[] = ['board.write', 'panel.write', 'plan.edit', 'question.set', 'files.upload', 'code.run', 'av.publish', 'signals.send'];
    for (const capability of writes) expect(can('observer', capability), capability).toBe(false);
  });
});
