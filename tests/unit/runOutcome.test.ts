import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../shared/challenge.js';
import type { RunRecord } from '../../shared/doc.js';
import { runOutcome, verdictFor } from '../../shared/runOutcome.js';

const check = (status: RunRecord['status'] = 'ok'): Pick<RunRecord, 'id' | 'kind' | 'status' | 'challengeId'> => ({ id: 'r1', kind: 'check', status, challengeId: 'sdpa' });
const verdict = (passes: boolean[], pass = passes.every(Boolean)): Verdict => ({
  runId: 'r1',
  challengeId: 'sdpa',
  seed: 1,
  pass,
  cases: passes.map((p, i) => ({ name: `case ${i}`, example: i < 2, pass: p, maxAbsError: p ? 0 : 1, tolerance: { abs: 1e-4, rel: 0 } })),
  at: 0,
  by: { role: 'candidate', name: 'Cam' },
});

describe('runOutcome', () => {
  it('a check that finished but failed every case is red "failed", not a green ok (issue 13)', () => {
    expect(runOutcome(check(), verdict([false, false, false, false, false, false]))).toEqual({
      word: 'failed',
      tone: 'fail',
      detail: '0/6 cases passed',
      passed: 0,
      total: 6,
    });
  });

  it('a check passes only when the server says so and every case passed', () => {
    expect(runOutcome(check(), verdict([true, true, true]))).toMatchObject({ word: 'passed', tone: 'pass', detail: '3/3 cases passed' });
    // a verdict whose own flag disagrees with its cases never reads as a pass
    expect(runOutcome(check(), verdict([true, true, true], false)).tone).toBe('fail');
    expect(runOutcome(check(), verdict([true, false, true], true)).tone).toBe('fail');
  });

  it('without a verdict (or with another run\'s) a finished check is unverified, never green', () => {
    expect(runOutcome(check(), null)).toEqual({ word: 'unverified', tone: 'pending' });
    expect(runOutcome(check(), { ...verdict([true]), runId: 'other' })).toEqual({ word: 'unverified', tone: 'pending' });
    expect(runOutcome(check(), { ...verdict([true]), challengeId: 'other' }).tone).toBe('pending');
  });

  it('a plain run: ok is green; error and timeout red; stopped and declined muted; live ones pending', () => {
    const run = (status: RunRecord['status']) => runOutcome({ id: 'r', kind: 'run', status }, null);
    expect(run('ok')).toEqual({ word: 'ok', tone: 'pass' });
    expect(run('error')).toEqual({ word: 'error', tone: 'fail' });
    expect(run('timeout')).toEqual({ word: 'timed out', tone: 'fail' });
    expect(run('stopped')).toEqual({ word: 'stopped', tone: 'muted' });
    expect(run('declined')).toEqual({ word: 'declined', tone: 'muted' });
    expect(run('running')).toEqual({ word: 'running', tone: 'pending' });
    expect(run('requested')).toEqual({ word: 'waiting', tone: 'pending' });
  });

  it('a check that errored or timed out is red whatever the verdict', () => {
    expect(runOutcome(check('error'), verdict([true])).tone).toBe('fail');
    expect(runOutcome(check('timeout'), null).word).toBe('timed out');
  });

  it('a live run whose browser left reads "interrupted"', () => {
    expect(runOutcome({ id: 'r', kind: 'run', status: 'running' }, null, { orphaned: true })).toEqual({ word: 'interrupted', tone: 'muted' });
  });

  it('verdictFor matches run and challenge', () => {
    expect(verdictFor({ id: 'r1', challengeId: 'sdpa' }, verdict([true]))).not.toBeNull();
    expect(verdictFor({ id: 'r2', challengeId: 'sdpa' }, verdict([true]))).toBeNull();
    expect(verdictFor({ id: 'r1' }, undefined)).toBeNull();
  });
});
