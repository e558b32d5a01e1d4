/**
 * Challenges over REST: who may read what, and byte-level checks that nothing a candidate
 * receives carries reference code or a hidden case's expected output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateRoomResponse } from '../../shared/api.js';
import type { ChallengeForClient } from '../../shared/challenge.js';
import type { ChallengeListResponse, ChallengeReferenceResponse } from '../../shared/challengeSpec.js';
import { CHALLENGES, builtInChallengeFile } from '../../questions/index.js';
import { DEFAULT_CHALLENGE_SEED, createChallengeRegistry } from '../../server/challenges/registry.js';
import { defaultQuestionsDir } from '../../server/questions/load.js';
import { createRoom, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let room: CreateRoomResponse;
let revokedToken: string;

type Caller = 'interviewer' | 'candidate' | 'observer' | 'none' | 'revoked';
const tokenOf = (c: Caller) => (c === 'none' ? undefined : c === 'revoked' ? revokedToken : room.links[c].token);
const call = (c: Caller, urlPath: string, method = 'GET', body?: unknown) => {
  const headers: Record<string, string> = {};
  const t = tokenOf(c);
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${server.url}/api/rooms/${room.room.id}${urlPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
};

/** The text of a module's `reference(...)` method: from its declaration to the end of the file. */
const referenceText = (id: string) => {
  const source = fs.readFileSync(path.join(defaultQuestionsDir(), builtInChallengeFile(id)!), 'utf8');
  const start = source.indexOf('\n  reference(');
  if (start < 0) throw new Error(`test bug: no reference method in ${id}.ts`);
  return source.slice(start);
};

/**
 * Lines of each reference body distinctive enough that finding one in a response means reference
 * code leaked: long, not comments, and past the signature (whose parameter lines the starter
 * legitimately shares).
 */
const distinctiveLines = (id: string) => {
  const lines = referenceText(id).split('\n').map((line) => line.trim());
  const bodyStart = lines.findIndex((line) => line.endsWith('{')) + 1;
  return lines.slice(bodyStart).filter((line) => line.length >= 16 && /[a-z]/i.test(line) && !line.startsWith('//'));
};

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.url, 'Challenges');
  const res = await call('interviewer', '/links', 'POST', { role: 'candidate' });
  const extra = (await res.json()) as { id: string; token: string };
  await call('interviewer', `/links/${extra.id}/revoke`, 'POST');
  revokedToken = extra.token;
});
afterAll(async () => {
  await server.close();
});

describe('role × route matrix', () => {
  const routes: Array<[string, Record<Caller, number>]> = [
    ['/challenges', { interviewer: 200, candidate: 200, observer: 200, none: 401, revoked: 410 }],
    ['/challenges/scaled-dot-product-attention', { interviewer: 200, candidate: 200, observer: 200, none: 401, revoked: 410 }],
    ['/challenges/no-such-challenge', { interviewer: 404, candidate: 404, observer: 404, none: 401, revoked: 410 }],
    ['/challenges/dpo-loss/reference', { interviewer: 200, candidate: 403, observer: 200, none: 401, revoked: 410 }],
    ['/challenges/no-such-challenge/reference', { interviewer: 404, candidate: 403, observer: 404, none: 401, revoked: 410 }],
    // Ids are looked up, never joined into a path: helper modules and traversal are simply unknown.
    ['/challenges/define/reference', { interviewer: 404, candidate: 403, observer: 404, none: 401, revoked: 410 }],
    ['/challenges/..%2Fdefine/reference', { interviewer: 404, candidate: 403, observer: 404, none: 401, revoked: 410 }],
  ];
  const callers: Caller[] = ['interviewer', 'candidate', 'observer', 'none', 'revoked'];
  for (const [route, expected] of routes) {
    it(`GET ${route}`, async () => {
      const got: Record<string, number> = {};
      for (const c of callers) got[c] = (await call(c, route)).status;
      expect(got).toEqual(expected);
    });
  }

  it('answers errors with a code and a sentence', async () => {
    const res = await call('candidate', '/challenges/no-such-challenge');
    expect(await res.json()).toEqual({ error: 'unknown_challenge', message: 'No challenge "no-such-challenge".' });
    const forbidden = await call('candidate', '/challenges/dpo-loss/reference');
    expect(await forbidden.json()).toEqual({ error: 'forbidden', message: 'Only interviewer or observer links may do this.' });
  });

  it('refuses writes', async () => {
    expect((await call('interviewer', '/challenges/dpo-loss', 'POST', {})).status).toBe(404);
    expect((await call('interviewer', '/challenges/dpo-loss/reference', 'PUT', { source: 'x' })).status).toBe(404);
  });
});

describe('what each link receives', () => {
  it('lists every challenge with its question', async () => {
    const body = (await (await call('candidate', '/challenges')).json()) as ChallengeListResponse;
    expect(body.challenges.map((c) => c.id)).toEqual(CHALLENGES.map((c) => c.id));
    for (const c of body.challenges) expect(Object.keys(c).sort()).toEqual(['functionName', 'id', 'questionId', 'title']);
    expect(body.challenges.find((c) => c.id === 'multi-head-attention')).toEqual({
      id: 'multi-head-attention',
      title: 'Multi-head self-attention',
      questionId: 'q1',
      functionName: 'multiHeadAttention',
    });
  });

  it('resolves every question’s challenge, for the candidate too', async () => {
    const linked = server.questions.list().filter((q) => q.challenge);
    expect(linked.length).toBeGreaterThanOrEqual(9);
    for (const q of linked) {
      const res = await call('candidate', `/challenges/${q.challenge}`);
      expect(res.status, q.id).toBe(200);
      const view = (await res.json()) as ChallengeForClient;
      expect(view.id).toBe(q.challenge);
      expect(view.questionId).toBe(q.id);
    }
  });

  it('serves interviewers and observers every expected output, equal to a fresh computation', async () => {
    const local = await createChallengeRegistry().forClient('ppo-clipped-gae', 'panel');
    const bodies = await Promise.all((['interviewer', 'observer'] as const).map(async (c) => (await call(c, '/challenges/ppo-clipped-gae')).text()));
    expect(new Set(bodies).size).toBe(1);
    const view = JSON.parse(bodies[0]!) as ChallengeForClient;
    expect(view).toEqual(local);
    expect(view.seed).toBe(DEFAULT_CHALLENGE_SEED);
    expect(Object.keys(view).sort()).toEqual(['cases', 'functionName', 'id', 'questionId', 'seed', 'starter', 'statement', 'title']);
    // Every fixed case; the property calls after them have no expected output for anyone.
    expect(view.cases.every((c) => (c.expected !== undefined) === (c.property === undefined))).toBe(true);
    expect(view.cases.filter((c) => c.property === 'padding invariance')).toHaveLength(2);
  });

  it('serves the candidate the same inputs, but expected outputs for the example cases only', async () => {
    const panel = (await (await call('interviewer', '/challenges/ppo-clipped-gae')).json()) as ChallengeForClient;
    const view = (await (await call('candidate', '/challenges/ppo-clipped-gae')).json()) as ChallengeForClient;
    expect(view.cases.map((c) => c.inputs)).toEqual(panel.cases.map((c) => c.inputs));
    expect(view.cases.map((c) => c.example)).toEqual(panel.cases.map((c) => c.example));
    const examples = view.cases.filter((c) => c.example);
    expect(examples.length).toBeGreaterThanOrEqual(1);
    expect(examples.length).toBeLessThanOrEqual(2);
    for (const [i, c] of view.cases.entries()) {
      expect(c.property).toBe(panel.cases[i]!.property);
      if (c.example) expect(c.expected).toEqual(panel.cases[i]!.expected);
      else expect(c).not.toHaveProperty('expected');
    }
  });

  it('gives interviewers and observers the module source, reference included', async () => {
    for (const caller of ['interviewer', 'observer'] as const) {
      const body = (await (await call(caller, '/challenges/speculative-acceptance/reference')).json()) as ChallengeReferenceResponse;
      expect(body.id).toBe('speculative-acceptance');
      expect(body.source).toBe(fs.readFileSync(path.join(defaultQuestionsDir(), builtInChallengeFile('speculative-acceptance')!), 'utf8'));
      for (const line of distinctiveLines('speculative-acceptance')) expect(body.source).toContain(line);
    }
  });
});

describe('the candidate never receives reference code', () => {
  it('holds in every byte of every challenge response a candidate can ask for', async () => {
    const responses: string[] = [];
    const record = async (urlPath: string) => {
      const res = await call('candidate', urlPath);
      responses.push(`${res.status} ${urlPath}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await res.text()}`);
    };
    await record('/challenges');
    for (const c of CHALLENGES) {
      await record(`/challenges/${c.id}`);
      await record(`/challenges/${c.id}/reference`);
    }
    await record('/session');
    const bytes = responses.join('\n');
    expect(bytes).toContain('"functionName":"scaledDotProductAttention"'); // the log did capture the views

    for (const c of CHALLENGES) {
      const lines = distinctiveLines(c.id);
      expect(lines.length, c.id).toBeGreaterThanOrEqual(2);
      // The probe works: the interviewer's copy of the same module contains every one of them.
      const interviewerCopy = await (await call('interviewer', `/challenges/${c.id}/reference`)).text();
      expect(lines.filter((line) => !interviewerCopy.includes(JSON.stringify(line).slice(1, -1))), c.id).toEqual([]);
      // Raw, and as JSON writes it (quotes and backslashes escaped).
      const leaked = lines.filter((line) => bytes.includes(line) || bytes.includes(JSON.stringify(line).slice(1, -1)));
      expect(leaked, c.id).toEqual([]);
      expect(bytes).not.toContain(referenceText(c.id).trim().slice(0, 120));
      expect(bytes).not.toContain(String(c.reference).slice(0, 120));
    }
  });
});

describe('the candidate never receives a hidden case\'s expected output', () => {
  it('holds in every byte of every challenge view a candidate can ask for', async () => {
    const registry = createChallengeRegistry();
    let probed = 0;
    for (const c of CHALLENGES) {
      const candidate = await (await call('candidate', `/challenges/${c.id}`)).text();
      const interviewer = await (await call('interviewer', `/challenges/${c.id}`)).text();
      const cases = (await registry.cases(c.id))!;
      const view = JSON.parse(candidate) as ChallengeForClient;
      // What a candidate may see anyway: every input and the examples' outputs. A hidden output
      // that happens to equal one of them (a count of 2, attention that copies a row of v) is no leak.
      const visible = JSON.stringify([cases.map((x) => x.inputs), cases.filter((_, i) => view.cases[i]!.example).map((x) => x.expected)]);
      const hidden = cases.filter((_, i) => !view.cases[i]!.example);
      expect(hidden.length, c.id).toBeGreaterThanOrEqual(2);
      for (const h of hidden) {
        const expected = JSON.stringify(h.expected);
        // The probe works: the interviewer's copy holds the very bytes. (Booleans, not the
        // texts themselves, so a failure does not print half a megabyte.)
        expect(interviewer.includes(expected), `${c.id} ${h.name}: interviewer`).toBe(true);
        if (visible.includes(expected)) continue;
        probed++;
        expect(candidate.includes(expected), `${c.id} ${h.name}: candidate`).toBe(false);
      }
    }
    expect(probed).toBeGreaterThanOrEqual(25);
  });
});
