/**
 * Issue 13 in real Chromium with software WebGPU (SwiftShader): what a candidate meets first.
 * The challenge brief is on screen before any Check; auto passes over the software adapter for
 * wasm and says why; one warm worker takes a second run (its tfjs backend, and so every compiled
 * shader, survives) while the first run's globals do not; a check that fails cases is a red
 * "failed" badge, a passing one green; Check calls every case before waiting for outputs. One
 * browser and one server for the file.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { createRoom } from '../support/server.js';
import { browserAndServer, chromiumAvailable, joinRoom, runControl, setPad, withScreenshots } from '../support/browser.js';
import { ATTENTION_CORRECT } from '../support/snippets.js';

const hasBrowser = chromiumAvailable();

const CORRECT = ATTENTION_CORRECT;
// Returns zeros of the right shape: runs fine, fails every case.
const ALL_WRONG = `export function scaledDotProductAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor3D {
  return tf.zeros([q.shape[0], q.shape[1], v.shape[2]]) as tf.Tensor3D;
}`;

// The correct answer, logging each call and when that call's output values arrive.
const PIPELINE_PROBE = `${CORRECT.replace('export function scaledDotProductAttention', 'function attention')}
let calls = 0;
export function scaledDotProductAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor3D {
  const n = ++calls;
  console.log('call ' + n);
  const out = attention(q, k, v, mask);
  const data = out.data.bind(out);
  out.data = () => data().then((values) => (console.log('arrived ' + n), values));
  return out;
}`;

describe.skipIf(!hasBrowser)("the runner's first impression", () => {
  const suite = browserAndServer(['--enable-unsafe-webgpu']);
  const contexts: BrowserContext[] = [];

  const newest = (page: Page): Locator => page.getByTestId('run-record').first();
  /** Clicks `button` and waits for a new record to finish; returns it. */
  const runAndWait = async (page: Page, button: 'run' | 'check', timeout = 90_000): Promise<Locator> => {
    const before = await newest(page).getAttribute('data-run-id', { timeout: 1000 }).catch(() => null);
    await expect.poll(() => page.getByTestId(button).isDisabled(), { timeout: 60_000 }).toBe(false);
    await page.getByTestId(button).click();
    await expect.poll(async () => (await newest(page).getAttribute('data-run-id')) !== before, { timeout: 15_000 }).toBe(true);
    const record = newest(page);
    await expect.poll(() => record.getAttribute('data-status'), { timeout }).toMatch(/^(ok|error|timeout|stopped|declined)$/);
    return record;
  };

  it('shows the brief before Check, picks wasm over SwiftShader, reuses a warm worker without its globals, colours checks by their verdict', async (ctx) => {
    await withScreenshots(ctx.task.name, contexts, async () => {
      const room = await createRoom(suite.server.url.replace('localhost', '127.0.0.1'), 'First impression');
      await fetch(`${suite.server.url}/api/rooms/${room.room.id}/session/current`, {
        method: 'POST',
        headers: { authorization: `Bearer ${room.links.interviewer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ questionId: 'q1' }),
      });
      const context = await suite.browser.newContext({ viewport: { width: 1600, height: 900 } });
      contexts.push(context);
      const cand = await joinRoom(await context.newPage(), room.links.candidate.url, 'Cam');

      // --- the brief: statement, signature, an example with its expected output and tolerance, before any Check
      const brief = cand.getByTestId('challenge-brief');
      await expect.poll(() => brief.isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await cand.getByTestId('run-record').count()).toBe(0);
      expect(await brief.getAttribute('open')).not.toBeNull();
      expect(await cand.getByTestId('challenge-statement').textContent()).toContain('mask is [batch, n, m]');
      expect(await cand.getByTestId('challenge-signature').textContent()).toContain('export function scaledDotProductAttention(');
      const examples = cand.getByTestId('challenge-example');
      expect(await examples.count()).toBeGreaterThanOrEqual(1);
      expect(await examples.first().textContent()).toContain('mask');
      expect(await cand.getByTestId('challenge-example-expected').first().textContent()).toMatch(/^float32 \[1, 4, 8\]/);
      expect(await cand.getByTestId('challenge-example-tolerance').first().textContent()).toContain('≤');
      expect(await cand.getByTestId('challenge-hidden-count').textContent()).toMatch(/hidden cases?, judged by the server/);
      // it folds
      await brief.locator('summary').click();
      await expect.poll(() => brief.getAttribute('open')).toBeNull();

      // --- auto on SwiftShader: wasm, with the reason on the record
      await (await runControl(cand, 'timeout-input')).fill('60');
      expect(await (await runControl(cand, 'backend-select')).inputValue()).toBe('auto');
      // run 1 leaves a global, an onmessage handler and a tag on tfjs's backend object (which is no global)
      await setPad(cand, "globalThis.leaked = 42;\nself.onmessage = () => { throw new Error('hijacked'); };\ntf.backend().attnRunTag = 'run 1';\nreturn tf.getBackend();");
      const first = await runAndWait(cand, 'run');
      expect(await first.getAttribute('data-status')).toBe('ok');
      expect(await first.getAttribute('data-backend')).toBe('wasm');
      expect(await first.getByTestId('run-value').textContent()).toContain('wasm');
      expect(await first.getByTestId('run-fallback').textContent()).toMatch(/auto chose wasm: webgpu: software adapter \(swiftshader/);

      // --- run 2 is on the same warm worker (the tagged backend object is still there) but sees none of run 1's globals
      await setPad(cand, "return [tf.backend().attnRunTag ?? 'fresh worker', typeof globalThis.leaked, String(self.onmessage)].join(' | ');");
      const second = await runAndWait(cand, 'run');
      expect(await second.getAttribute('data-status')).toBe('ok');
      expect(await second.getByTestId('run-value').textContent()).toContain('run 1 | undefined | null');

      // --- a check that fails every case: red "failed", never a green ok
      await setPad(cand, ALL_WRONG);
      const failed = await runAndWait(cand, 'check');
      expect(await failed.getAttribute('data-status')).toBe('ok');
      await expect.poll(() => failed.getAttribute('data-verified'), { timeout: 15_000 }).toBe('true');
      const failedBadge = failed.getByTestId('run-status');
      expect(await failedBadge.getAttribute('data-tone')).toBe('fail');
      expect((await failedBadge.textContent())?.trim()).toBe('failed');
      expect(await failedBadge.evaluate((el) => el.classList.contains('run-tone-fail'))).toBe(true);
      const red = await failedBadge.evaluate((el) => getComputedStyle(el).color);

      // --- a passing check: green "passed"; the colours differ
      await setPad(cand, CORRECT);
      const passed = await runAndWait(cand, 'check');
      await expect.poll(() => passed.getAttribute('data-verified'), { timeout: 15_000 }).toBe('true');
      const passedBadge = passed.getByTestId('run-status');
      expect(await passedBadge.getAttribute('data-tone')).toBe('pass');
      expect((await passedBadge.textContent())?.trim()).toBe('passed');
      expect(await passedBadge.evaluate((el) => getComputedStyle(el).color)).not.toBe(red);

      // --- Check calls every case before it waits for any output (a GPU queues them back to
      // back, one wait instead of one per case); each case's values still arrive and pass
      await setPad(cand, PIPELINE_PROBE);
      const probed = await runAndWait(cand, 'check');
      await expect.poll(() => probed.getAttribute('data-verified'), { timeout: 15_000 }).toBe('true');
      expect(await probed.locator('[data-testid="check-case"][data-pass="false"]').count()).toBe(0);
      const order = (await probed.getByTestId('run-console').textContent())!.match(/(call|arrived) \d/g);
      expect(order).toEqual([1, 2, 3, 4, 5, 6].map((i) => `call ${i}`).concat([1, 2, 3, 4, 5, 6].map((i) => `arrived ${i}`)));
    });
  }, 300_000);
});
