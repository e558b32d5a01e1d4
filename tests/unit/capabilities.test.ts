import { describe, expect, it } from 'vitest';
import { CAPABILITIES, CAPABILITY_NAMES, ROOM_KINDS, can, canIn, capabilitiesOf, rolesWith, rolesWithIn, type Capability } from '../../shared/capabilities.js';
import { DOC_ACCESS, DOC_NAMES, ROLES, docAccess } from '../../shared/protocol.js';

describe('the capability table', () => {
  it('gives every capability at least one role in some room kind, each role once, in ROLES order', () => {
    expect(CAPABILITY_NAMES.length).toBeGreaterThan(0);
    for (const capability of CAPABILITY_NAMES) {
      // Kind-only rows (practice.reveal, room.convert) are empty in the interview column.
      expect(ROOM_KINDS.some((kind) => rolesWithIn(kind, capability).length > 0), capability).toBe(true);
      for (const kind of ROOM_KINDS) {
        const roles = rolesWithIn(kind, capability);
        expect(new Set(roles).size, `${kind} ${capability}`).toBe(roles.length);
        // The order feeds the 403 sentence, so it must not depend on how a row was typed.
        expect([...roles], `${kind} ${capability}`).toEqual(ROLES.filter((role) => roles.includes(role)));
      }
      expect(rolesWith(capability)).toEqual(rolesWithIn('interview', capability));
    }
  });

  it('keeps the guide from practisers and the panel from pair rooms in the kind columns', () => {
    expect(canIn('practice', 'candidate', 'questions.read')).toBe(false);
    expect(canIn('practice', 'candidate', 'challenge.reference.read')).toBe(false);
    expect(canIn('practice', 'observer', 'guide.read')).toBe(false);
    for (const role of ROLES) {
      expect(canIn('pair', role, 'panel.read'), role).toBe(false);
      expect(canIn('pair', role, 'questions.read'), role).toBe(false);
      expect(canIn('pair', role, 'scorecard.read'), role).toBe(false);
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
