/**
 * Finding 5 of the trust-boundary issue, against a real server and stock y-websocket clients: a
 * check's verdict is the server's. The browser that ran the check sends its outputs to
 * POST /challenges/:id/verify; the server compares them with expected outputs it never gave the
 * candidate and writes the verdict into the board's server-only `verdicts` map, which no client
 * may write (4403). Bad bodies get one 400 sentence each; observers and strangers are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateRoomResponse, NewLink } from '../../shared/api.js';
import type { ChallengeForClient, SerializedValue, Verdict } from '../../shared/challenge.js';
import { boardRuns, boardVerdicts, readVerdict, type RunRecord } from '../../shared/doc.js';
import { CloseCode } from '../../shared/protocol.js';
import { CHALLENGES } from '../../questions/index.js';
import { cpuTf, runReference } from '../../server/challenges/vectors.js';
import { VERIFY_BURST } from '../../server/http/challenges.js';
import { connect, createRoom, eventually, nextClose, startTestServer, waitSynced, type Client, type TestServer } from '../support/server.js';

let server: TestServer;
let room: CreateRoomResponse;
let candidate: Client;
let interviewer: Client;
let observer: Client;
const clients: Client[] = [];

const open = (token: string, name: string) => {
  const c = connect(server.url, room.room.id, 'board', token, { name });
  clients.push(c);
  return c;
};

const verify = (token: string | undefined, challengeId: string, body: unknown, raw?: string) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(`${server.url}/api/rooms/${room.room.id}/challenges/${challengeId}/verify`, {
    method: 'POST',
    headers,
    body: raw ?? JSON.stringify(body),
  });
};

/** A fresh candidate link: each has its own rate budget, so one test's calls never starve another's. */
async function candidateLink(): Promise<NewLink> {
  const res = await fetch(`${server.url}/api/rooms/${room.room.id}/links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${room.links.interviewer.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'candidate' }),
  });
  return (await res.json()) as NewLink;
}

let runCounter = 0;
const newRunId = () => (++runCounter).toString(16).padStart(24, '0');

/** Appends a check run as the given client's browser would, and waits until the server holds it. */
async function startCheck(client: Client, role: 'interviewer' | 'candidate', challengeId: string): Promise<string> {
  const id = newRunId();
  const me = { name: role === 'candidate' ? 'Cam' : 'Ines', role, clientId: client.doc.clientID };
  const record: RunRecord = { id, kind: 'check', status: 'running', requestedBy: me, ranBy: me, backendRequested: 'cpu', challengeId, createdAt: Date.now(), startedAt: Date.now(), timeoutMs: 10_000 };
  boardRuns(client.doc).push([record]);
  // The observer's copy came through the server, so the server has it.
  await eventually(() => expect(boardRuns(observer.doc).toArray().some((r) => r.id === id)).toBe(true));
  return id;
}

/** What a correct implementation returns: the reference, run on the inputs the candidate received. */
async function correctOutputs(challengeId: string): Promise<SerializedValue[]> {
  const view = (await (await fetch(`${server.url}/api/rooms/${room.room.id}/challenges/${challengeId}`, { headers: { authorization: `Bearer ${room.links.candidate.token}` } })).json()) as ChallengeForClient;
  const tfc = await cpuTf();
  const definition = CHALLENGES.find((c) => c.id === challengeId)!;
  return view.cases.map((c) => runReference(tfc, definition, c.inputs));
}

/** Adds `delta` to the first number of a value. */
function nudge(value: SerializedValue, delta: number): SerializedValue {
  switch (value.kind) {
    case 'tensor':
      return { ...value, data: [value.data[0]! + delta, ...value.data.slice(1)] };
    case 'number':
      return { kind: 'number', value: value.value + delta };
    case 'array':
      return { kind: 'array', items: [nudge(value.items[0]!, delta), ...value.items.slice(1)] };
    case 'record': {
      const [first, ...rest] = Object.entries(value.entries);
      return { kind: 'record', entries: Object.fromEntries([[first![0], nudge(first![1], delta)], ...rest]) };
    }
    default:
      throw new Error(`test bug: cannot nudge a ${value.kind}`);
  }
}

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.url, 'Verify');
  candidate = open(room.links.candidate.token, 'Cam');
  interviewer = open(room.links.interviewer.token, 'Ines');
  observer = open(room.links.observer.token, 'Olga');
  await Promise.all(clients.map((c) => waitSynced(c)));
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server.close();
});

describe('the verdict is the server’s', () => {
  it('judges correct outputs a pass and writes the verdict where everyone sees it', async () => {
    const runId = await startCheck(candidate, 'candidate', 'cfg-combine');
    const res = await verify(room.links.candidate.token, 'cfg-combine', { runId, outputs: await correctOutputs('cfg-combine') });
    expect(res.status).toBe(200);
    const { verdict } = (await res.json()) as { verdict: Verdict };
    expect(verdict).toMatchObject({ runId, challengeId: 'cfg-combine', pass: true, by: { role: 'candidate', name: 'Cam' } });
    expect(verdict.cases.length).toBe(CHALLENGES.find((c) => c.id === 'cfg-combine')!.cases.length);
    expect(verdict.cases.every((c) => c.pass && c.maxAbsError !== null && c.maxAbsError <= c.tolerance.abs + 1e-3)).toBe(true);
    expect(verdict.cases.some((c) => !c.example)).toBe(true);
    for (const c of [observer, interviewer, candidate]) await eventually(() => expect(readVerdict(c.doc, runId)).toEqual(verdict));
  });

  it('judges wrong outputs a fail with the max abs error, and never quotes a hidden expected value', async () => {
    const link = await candidateLink();
    const cand = open(link.token, 'Cam');
    await waitSynced(cand);
    const runId = await startCheck(cand, 'candidate', 'cfg-combine');
    const right = await correctOutputs('cfg-combine');
    const wrong = right.map((o) => nudge(o, 0.75));
    const res = await verify(link.token, 'cfg-combine', { runId, outputs: wrong });
    expect(res.status).toBe(200);
    const { verdict } = (await res.json()) as { verdict: Verdict };
    expect(verdict.pass).toBe(false);
    for (const c of verdict.cases) {
      expect(c.pass, c.name).toBe(false);
      // A hidden case's error is rounded to one digit (an exact one would give a scalar output away).
      if (c.example) expect(c.maxAbsError, c.name).toBeCloseTo(0.75, 5);
      else expect(c.maxAbsError, c.name).toBe(0.8);
    }
    const example = verdict.cases.find((c) => c.example)!;
    const hidden = verdict.cases.filter((c) => !c.example);
    // An example's message may say what was expected; a hidden one's must not.
    expect(example.message).toMatch(/expected -?\d/);
    const expectedFirst = (v: SerializedValue): number => (v.kind === 'tensor' ? v.data[0]! : v.kind === 'number' ? v.value : NaN);
    hidden.forEach((c) => {
      expect(c.message).toMatch(/outside the tolerance/);
      const i = verdict.cases.indexOf(c);
      expect(c.message).not.toContain(String(expectedFirst(right[i]!)));
    });
    await eventually(() => expect(readVerdict(observer.doc, runId)?.pass).toBe(false));
  });

  it('refuses a second answer for the same run, so a fail can not be replaced by a pass', async () => {
    const link = await candidateLink();
    const cand = open(link.token, 'Cam');
    await waitSynced(cand);
    const runId = await startCheck(cand, 'candidate', 'dpo-loss');
    const right = await correctOutputs('dpo-loss');
    expect((await verify(link.token, 'dpo-loss', { runId, outputs: right.map((o) => nudge(o, 1)) })).status).toBe(200);
    const again = await verify(link.token, 'dpo-loss', { runId, outputs: right });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'already_verified', message: 'The server has already judged this run.' });
    await eventually(() => expect(readVerdict(observer.doc, runId)?.pass).toBe(false));
  });

  it('judges only a check run that is in the board, for that challenge, run by the caller’s role', async () => {
    const link = await candidateLink();
    const outputs = await correctOutputs('dpo-loss');
    const missing = await verify(link.token, 'dpo-loss', { runId: 'f'.repeat(24), outputs });
    expect(missing.status).toBe(409);
    expect(((await missing.json()) as { error: string }).error).toBe('unknown_run');
    // The interviewer's own check: a candidate can not answer for it.
    const ivRun = await startCheck(interviewer, 'interviewer', 'dpo-loss');
    const theirs = await verify(link.token, 'dpo-loss', { runId: ivRun, outputs });
    expect(theirs.status).toBe(403);
    expect(await theirs.json()).toEqual({ error: 'not_your_run', message: 'Only the browser that ran this check may send its outputs.' });
    // A run of another challenge does not take this one's verdict.
    const otherRun = await startCheck(candidate, 'candidate', 'cfg-combine');
    expect((await verify(link.token, 'dpo-loss', { runId: otherRun, outputs })).status).toBe(409);
    // The interviewer answers for their own run.
    expect((await verify(room.links.interviewer.token, 'dpo-loss', { runId: ivRun, outputs })).status).toBe(200);
    await eventually(() => expect(readVerdict(observer.doc, ivRun)?.by.role).toBe('interviewer'));
  });

  it('reads a body bigger than the API’s 64 kB (the largest challenge sends ~100 kB) but not one over 1 MiB', async () => {
    const link = await candidateLink();
    const cand = open(link.token, 'Cam');
    await waitSynced(cand);
    const runId = await startCheck(cand, 'candidate', 'scaled-dot-product-attention');
    const outputs = await correctOutputs('scaled-dot-product-attention');
    const body = JSON.stringify({ runId, outputs });
    expect(body.length).toBeGreaterThan(64 * 1024);
    const res = await verify(link.token, 'scaled-dot-product-attention', undefined, body);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { verdict: Verdict }).verdict.pass).toBe(true);
    const huge = JSON.stringify({ runId, outputs: [{ kind: 'string', value: 'x'.repeat(1100 * 1024) }] });
    const tooLarge = await verify(link.token, 'scaled-dot-product-attention', undefined, huge);
    expect(tooLarge.status).toBe(413);
  });
});

describe('properties and per-field results', () => {
  /** A fresh candidate link with its own socket and rate budget, and a check run of `challengeId` by it. */
  async function candidateCheck(challengeId: string) {
    const link = await candidateLink();
    const cand = open(link.token, 'Cam');
    await waitSynced(cand);
    return { token: link.token, runId: await startCheck(cand, 'candidate', challengeId) };
  }

  it('sends each property’s calls after the fixed cases, with no expected output even to the panel', async () => {
    const definition = CHALLENGES.find((c) => c.id === 'cfg-combine')!;
    const view = (await (await fetch(`${server.url}/api/rooms/${room.room.id}/challenges/cfg-combine`, { headers: { authorization: `Bearer ${room.links.interviewer.token}` } })).json()) as ChallengeForClient;
    const calls = view.cases.slice(definition.cases.length);
    expect(calls.map((c) => c.property)).toEqual(['linearity in the guidance scale', 'linearity in the guidance scale', 'linearity in the guidance scale', 'linearity in the predictions', 'linearity in the predictions', 'linearity in the predictions']);
    expect(calls.every((c) => c.expected === undefined && !c.example)).toBe(true);
  });

  it('fails a candidate whose outputs match every vector but break a property, naming the property', async () => {
    const { token, runId } = await candidateCheck('cfg-combine');
    const fixed = CHALLENGES.find((c) => c.id === 'cfg-combine')!.cases.length;
    const outputs = await correctOutputs('cfg-combine');
    // The result at w = 4 (third call of the first property) no longer lies between w = 2 and w = 6.
    outputs[fixed + 2] = nudge(outputs[fixed + 2]!, 0.5);
    const res = await verify(token, 'cfg-combine', { runId, outputs });
    expect(res.status).toBe(200);
    const { verdict } = (await res.json()) as { verdict: Verdict };
    expect(verdict.cases.every((c) => c.pass)).toBe(true);
    expect(verdict.pass).toBe(false);
    expect(verdict.properties!.map((p) => [p.name, p.pass, p.calls])).toEqual([
      ['linearity in the guidance scale', false, 3],
      ['linearity in the predictions', true, 3],
    ]);
    expect(verdict.properties![0]!.message).toMatch(/^result at w 4 vs the mean of w 2 and w 6/);
    await eventually(() => expect(readVerdict(observer.doc, runId)).toEqual(verdict));
  });

  it('passes the chi-square property for correct speculative sampling outputs, and fails a biased sampler', async () => {
    const fixed = CHALLENGES.find((c) => c.id === 'speculative-acceptance')!.cases.length;
    const right = await correctOutputs('speculative-acceptance');
    const pass = await candidateCheck('speculative-acceptance');
    const good = (await (await verify(pass.token, 'speculative-acceptance', { runId: pass.runId, outputs: right })).json()) as { verdict: Verdict };
    expect(good.verdict).toMatchObject({ pass: true, properties: [{ pass: true, calls: 120 }] });
    // Always emitting token 0 first: valid ids, right vectors, wrong distribution.
    const biased = right.map((o, i) => (i < fixed ? o : ({ kind: 'array', items: [{ kind: 'number', value: 0 }] } as SerializedValue)));
    const fail = await candidateCheck('speculative-acceptance');
    const bad = (await (await verify(fail.token, 'speculative-acceptance', { runId: fail.runId, outputs: biased })).json()) as { verdict: Verdict };
    expect(bad.verdict.cases.every((c) => c.pass)).toBe(true);
    expect(bad.verdict).toMatchObject({ pass: false, properties: [{ pass: false }] });
    expect(bad.verdict.properties![0]!.message).toMatch(/first tokens counted \[120, 0, 0\]/);
  });

  it('reports loss, advantages and returns of a PPO output separately', async () => {
    const { token, runId } = await candidateCheck('ppo-clipped-gae');
    const outputs = await correctOutputs('ppo-clipped-gae');
    const returnsOff = (o: SerializedValue): SerializedValue => (o.kind === 'record' ? { kind: 'record', entries: { ...o.entries, returns: nudge(o.entries.returns!, 1) } } : o);
    const res = await verify(token, 'ppo-clipped-gae', { runId, outputs: outputs.map(returnsOff) });
    const { verdict } = (await res.json()) as { verdict: Verdict };
    expect(verdict.pass).toBe(false);
    for (const c of verdict.cases) {
      expect(c.fields!.map((f) => [f.field, f.pass]), c.name).toEqual([
        ['loss', true],
        ['advantages', true],
        ['returns', false],
      ]);
    }
  });

  it('wants one output per fixed case and property call', async () => {
    const { token, runId } = await candidateCheck('rmsnorm');
    const outputs = await correctOutputs('rmsnorm');
    const res = await verify(token, 'rmsnorm', { runId, outputs: outputs.slice(0, -1) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/"rmsnorm" has 7 cases, so send 7 outputs/);
  });
});

describe('who may ask', () => {
  it('refuses observers, strangers and unknown challenges', async () => {
    const body = { runId: newRunId(), outputs: [{ kind: 'number', value: 1 }] };
    const observerRes = await verify(room.links.observer.token, 'dpo-loss', body);
    expect(observerRes.status).toBe(403);
    expect(await observerRes.json()).toEqual({ error: 'forbidden', message: 'Only interviewer or candidate links may do this.' });
    expect((await verify(undefined, 'dpo-loss', body)).status).toBe(401);
    expect((await verify('a'.repeat(43), 'dpo-loss', body)).status).toBe(401);
    const unknown = await verify(room.links.interviewer.token, 'no-such-challenge', body);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown_challenge', message: 'No challenge "no-such-challenge".' });
  });

  it('rate-limits each link', async () => {
    const link = await candidateLink();
    const statuses: number[] = [];
    for (let i = 0; i <= VERIFY_BURST; i++) statuses.push((await verify(link.token, 'dpo-loss', {})).status);
    expect(statuses.slice(0, VERIFY_BURST).every((s) => s === 400)).toBe(true);
    expect(statuses[VERIFY_BURST]).toBe(429);
    // Another link is unaffected.
    expect((await verify((await candidateLink()).token, 'dpo-loss', {})).status).toBe(400);
  });
});

describe('bad bodies get a 400 with one sentence', () => {
  const deep = (levels: number): unknown => (levels === 0 ? { kind: 'number', value: 1 } : { kind: 'array', items: [deep(levels - 1)] });
  const runId = 'a'.repeat(24);
  const one = [{ kind: 'number', value: 1 }];
  const bodies: Array<[string, unknown, RegExp]> = [
    ['not JSON', '{"runId": ', /not valid JSON/],
    ['an empty object', {}, /^runId: /],
    ['a bad run id', { runId: '../etc', outputs: one }, /^runId: must be a run id/],
    ['an unknown field', { runId, outputs: one, pass: true }, /pass/],
    ['no outputs', { runId, outputs: [] }, /^outputs: /],
    ['the wrong number of outputs', { runId, outputs: one }, /^outputs: "dpo-loss" has \d+ cases, so send \d+ outputs \(null where the function threw\), not 1\.$/],
    ['an unknown kind', { runId, outputs: [{ kind: 'function', value: 'x' }] }, /^outputs\.0/],
    ['a tensor whose data does not fit its shape', { runId, outputs: [{ kind: 'tensor', shape: [2, 2], dtype: 'float32', data: [1, 2, 3] }] }, /tensor data does not fit its shape|Invalid input/],
    ['nesting 50 deep', { runId, outputs: [deep(50)] }, /^outputs\.0/],
    ['a __proto__ field', { runId, outputs: [JSON.parse('{"kind":"record","entries":{"__proto__":{"kind":"number","value":1}}}')] }, /^outputs\.0\.entries: a field may not be named __proto__/],
    ['a constructor field', { runId, outputs: [{ kind: 'record', entries: { constructor: { kind: 'number', value: 1 } } }] }, /^outputs\.0\.entries: a field may not be named/],
  ];
  for (const [what, body, message] of bodies) {
    it(`refuses ${what}`, async () => {
      const link = await candidateLink();
      const res = await verify(link.token, 'dpo-loss', body, typeof body === 'string' ? body : undefined);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { error: string; message: string };
      expect(answer.message).toMatch(message);
      expect(answer.message.split('\n').length).toBe(1);
    });
  }

  it('leaves the server healthy after a body nested 100,000 deep', async () => {
    const link = await candidateLink();
    const raw = `{"runId":"${runId}","outputs":[${'{"kind":"array","items":['.repeat(100_000)}${']}'.repeat(100_000)}]}`;
    expect(raw.length).toBeLessThan(1024 * 1024 * 4);
    const res = await verify(link.token, 'dpo-loss', undefined, raw);
    expect([400, 413]).toContain(res.status);
    expect((await verify(link.token, 'dpo-loss', {})).status).toBe(400);
  });
});

describe('board.verdicts is server-only', () => {
  const forged = (runId: string): Verdict => ({
    runId,
    challengeId: 'dpo-loss',
    seed: 1,
    pass: true,
    cases: [{ name: 'forged', example: false, pass: true, maxAbsError: 0, tolerance: { abs: 1, rel: 0 } }],
    at: Date.now(),
    by: { role: 'candidate', name: 'Cam' },
  });

  for (const role of ['candidate', 'interviewer'] as const) {
    it(`closes a ${role} that writes a verdict with 4403, and the forged verdict reaches nobody`, async () => {
      const link = role === 'candidate' ? await candidateLink() : room.links.interviewer;
      const writer = open(link.token, role === 'candidate' ? 'Cam' : 'Ines');
      await waitSynced(writer);
      const runId = await startCheck(writer, role, 'dpo-loss');
      const closed = nextClose(writer);
      boardVerdicts(writer.doc).set(runId, forged(runId));
      expect(await closed).toBe(CloseCode.Forbidden);
      const fresh = open(room.links.observer.token, 'Olga');
      await waitSynced(fresh);
      expect(boardRuns(fresh.doc).toArray().some((r) => r.id === runId)).toBe(true);
      expect(readVerdict(fresh.doc, runId)).toBeNull();
      expect(readVerdict(observer.doc, runId)).toBeNull();
    });
  }
});
