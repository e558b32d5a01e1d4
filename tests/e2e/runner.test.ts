/**
 * The snippet runner in real Chromium with software WebGPU: a correct attention passes every
 * check on the webgpu backend, verified by the server, and the interviewer sees the same run
 * live; a wrong one fails with its max error; an infinite loop is stopped by the timeout and the
 * next run works; the worker can't reach the network; an interviewer runs and checks the pad on
 * the candidate's machine; and nothing of the reference implementation reaches the candidate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { createRoom } from '../support/server.js';
import { browserAndServer, chromiumAvailable, joinRoom, withScreenshots, runControl, setPad } from '../support/browser.js';
import { ATTENTION_CORRECT } from '../support/snippets.js';

const hasBrowser = chromiumAvailable();
const REFERENCE_FILE = path.resolve(import.meta.dirname, '../../questions/q01-self-attention/scaled-dot-product-attention.challenge.ts');

const CORRECT = ATTENTION_CORRECT;
// Forgets the 1/sqrt(dK) scaling: right shapes, wrong numbers.
const WRONG = CORRECT.replace('tf.div(tf.matMul(q, k, false, true), Math.sqrt(q.shape[2]))', 'tf.matMul(q, k, false, true)');

describe.skipIf(!hasBrowser)('the snippet runner on WebGPU', () => {
  const suite = browserAndServer(['--enable-unsafe-webgpu']);
  const contexts: BrowserContext[] = [];

  const newPage = async (): Promise<Page> => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1600, height: 900 } });
    contexts.push(ctx);
    return ctx.newPage();
  };
  const newest = (page: Page): Locator => page.getByTestId('run-record').first();
  const finished = async (page: Page, timeout = 90_000) => {
    await expect.poll(async () => newest(page).getAttribute('data-status'), { timeout }).toMatch(/^(ok|error|timeout|stopped|declined)$/);
    return newest(page);
  };

  it('checks attention on webgpu, times out loops, blocks the network, runs remotely, keeps references server-side', async (ctx) => {
    await withScreenshots(ctx.task.name, contexts, async () => {
      const room = await createRoom(suite.server.url.replace('localhost', '127.0.0.1'), 'Runner');
      await fetch(`${suite.server.url}/api/rooms/${room.room.id}/session/current`, {
        method: 'POST',
        headers: { authorization: `Bearer ${room.links.interviewer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ questionId: 'q1' }),
      });

      const cand = await newPage();
      const candBodies: Buffer[] = [];
      cand.on('response', async (r) => candBodies.push(await r.body().catch(() => Buffer.alloc(0))));
      await joinRoom(cand, room.links.candidate.url, 'Cam');
      const iv = await joinRoom(await newPage(), room.links.interviewer.url, 'Ines');

      // --- a correct implementation passes every case, on webgpu (SwiftShader here)
      await (await runControl(cand, 'backend-select')).selectOption('webgpu');
      await (await runControl(cand, 'timeout-input')).fill('60');
      await setPad(cand, CORRECT);
      await cand.getByTestId('check').click();
      const check = await finished(cand);
      expect(await check.getAttribute('data-status')).toBe('ok');
      expect(await check.getAttribute('data-kind')).toBe('check');
      expect(await check.getAttribute('data-backend')).toBe('webgpu');
      expect((await check.getByTestId('run-adapter').textContent())?.toLowerCase()).toContain('swiftshader');
      // the pass is the server's verdict (board.verdicts), not the browser's, and it covers the
      // hidden cases whose expected outputs the candidate never received
      await expect.poll(() => check.getAttribute('data-verified'), { timeout: 15_000 }).toBe('true');
      expect(await check.getByTestId('check-verified').textContent()).toContain('verified by server');
      const cases = check.getByTestId('check-case');
      expect(await cases.count()).toBeGreaterThanOrEqual(3);
      expect(await check.locator('[data-testid="check-case"][data-example="false"]').count()).toBeGreaterThanOrEqual(2);
      expect(await check.locator('[data-testid="check-case"][data-pass="false"]').count()).toBe(0);
      // the interviewer sees the very same run and verdict, live
      const runId = (await check.getAttribute('data-run-id'))!;
      const ivCopy = iv.locator(`[data-testid="run-record"][data-run-id="${runId}"]`);
      await expect.poll(() => ivCopy.getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
      await expect.poll(() => ivCopy.getAttribute('data-verified'), { timeout: 15_000 }).toBe('true');
      expect(await ivCopy.locator('[data-testid="check-case"][data-pass="true"]').count()).toBe(await cases.count());

      // --- a wrong implementation fails, with the max error shown
      await setPad(cand, WRONG);
      await cand.getByTestId('check').click();
      const wrong = await finished(cand);
      await expect.poll(() => wrong.getAttribute('data-verified'), { timeout: 15_000 }).toBe('true');
      const failing = wrong.locator('[data-testid="check-case"][data-pass="false"]');
      expect(await failing.count()).toBeGreaterThan(0);
      const maxError = Number((await failing.first().getByTestId('check-max-error').textContent())!.replace(/[^0-9.e+-]/gi, ''));
      expect(maxError).toBeGreaterThan(1e-4);

      // --- on the software adapter a tiny matMul avoids tfjs's workgroup-reduction program (the
      // slowest kernel on SwiftShader): after the check's 6 cases and one more, no pipeline of it exists
      await setPad(cand, "await tf.matMul(tf.ones([1, 4, 8]), tf.ones([1, 8, 6])).data();\nreturn 'programs ' + [...new Set(Object.keys(tf.backend().pipelineCache).filter((k) => k.startsWith('matMul')).map((k) => k.split('_')[0]))].sort().join(',');");
      await cand.getByTestId('run').click();
      const program = await finished(cand);
      expect(await program.getAttribute('data-backend')).toBe('webgpu');
      const programs = await program.getByTestId('run-value').textContent();
      expect(programs).toContain('matMulSmallOutputSize');
      expect(programs).not.toContain('matMulReduce');

      // --- an infinite loop is stopped by the timeout; the next run works
      await (await runControl(cand, 'backend-select')).selectOption('cpu');
      await (await runControl(cand, 'timeout-input')).fill('2');
      await setPad(cand, 'while (true) {}');
      await cand.getByTestId('run').click();
      expect(await (await finished(cand, 30_000)).getAttribute('data-status')).toBe('timeout');
      await (await runControl(cand, 'timeout-input')).fill('20');
      await setPad(cand, 'const x = tf.ones([2, 3]);\nreturn (await x.sum().data())[0] + 1;');
      await cand.getByTestId('run').click();
      const after = await finished(cand, 30_000);
      expect(await after.getAttribute('data-status')).toBe('ok');
      expect(await after.getByTestId('run-value').textContent()).toContain('7');

      // --- the worker cannot reach the network, not even our own origin
      await setPad(cand, "const r = await fetch('/api/rooms');\nreturn 'reached the network: ' + r.status;");
      await cand.getByTestId('run').click();
      const blocked = await finished(cand, 30_000);
      expect(await blocked.getAttribute('data-status')).toBe('error');
      expect(await blocked.getByTestId('run-error').textContent()).not.toContain('reached the network');

      // --- an interviewer runs the pad on the candidate's machine
      // (await data(): synchronous reads are unreliable on software WebGPU in a worker)
      await setPad(cand, 'const d = await tf.matMul(tf.eye(2), tf.ones([2, 2])).sum().data();\nreturn d[0];');
      const target = await runControl(iv, 'run-target');
      await expect.poll(async () => (await target.locator('option:not([disabled])').count()), { timeout: 15_000 }).toBeGreaterThan(1);
      const candidateOption = await target.locator('option:not([value="self"])').first().getAttribute('value');
      await target.selectOption(candidateOption!);
      await iv.getByTestId('run').click();
      const remote = await finished(iv, 60_000);
      expect(await remote.getAttribute('data-status')).toBe('ok');
      expect(await remote.getByTestId('run-value').textContent()).toContain('4');
      expect(await remote.textContent()).toContain('Cam');
      // a remote Check: the candidate's browser runs it and sends the outputs, the server judges
      await setPad(cand, CORRECT);
      await (await runControl(iv, 'timeout-input')).fill('90');
      await iv.getByTestId('check').click();
      const remoteCheck = await finished(iv, 150_000);
      expect(await remoteCheck.getAttribute('data-status')).toBe('ok');
      expect(await remoteCheck.getAttribute('data-kind')).toBe('check');
      await expect.poll(() => remoteCheck.getAttribute('data-verified'), { timeout: 15_000 }).toBe('true');
      expect(await remoteCheck.locator('[data-testid="check-case"][data-pass="false"]').count()).toBe(0);
      expect(await remoteCheck.getByTestId('check-verified').getAttribute('title')).toContain('Cam');
      // the candidate can switch remote runs off; the interviewer then sees that
      await (await runControl(cand, 'allow-remote-runs')).uncheck();
      // (the picker may sit in the toolbar's ⋯ menu, which closed when Run was pressed: open it again)
      const targetAgain = await runControl(iv, 'run-target');
      await expect.poll(() => targetAgain.locator(`option[value="${candidateOption}"]`).isDisabled(), { timeout: 15_000 }).toBe(true);

      // --- the interviewer can open the reference implementation from the panel
      await iv.getByTestId('reference').locator('summary').click();
      await expect.poll(() => iv.getByTestId('reference-source').textContent(), { timeout: 15_000 }).toContain('scaledDotProductAttention');
      expect(await cand.getByTestId('reference').count()).toBe(0);

      // --- the candidate's network log holds no reference source
      const source = fs.readFileSync(REFERENCE_FILE, 'utf8');
      const body = source.slice(source.indexOf('reference'));
      const lines = body.split('\n').map((l) => l.trim()).filter((l) => l.length >= 24 && !l.startsWith('//') && !l.startsWith('*'));
      expect(lines.length).toBeGreaterThan(3);
      const all = Buffer.concat(candBodies);
      expect(lines.filter((l) => all.includes(Buffer.from(l)))).toEqual([]);
    });
  }, 300_000);
});
