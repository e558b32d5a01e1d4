/**
 * Math in real Chromium: the candidate's prompt, the interviewer's guide and a note typeset by
 * KaTeX (.katex elements), with KaTeX's stylesheet and fonts served from our own origin under the
 * app's CSP (the suite fails on any violation: tests/support/browser.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { CreateRoomResponse } from '../../shared/api.js';
import { browserAndServer, chromiumAvailable, joinRoom, screenshotAll, watchPage } from '../support/browser.js';

const hasBrowser = chromiumAvailable();

describe.skipIf(!hasBrowser)('math rendering', () => {
  const suite = browserAndServer();
  let contexts: BrowserContext[] = [];

  const join = async (url: string, name: string) => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const { errors } = watchPage(page);
    return { page: await joinRoom(page, url, name), requested, errors };
  };
  const katexCount = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"] .katex`).count();

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotAll(`math-render-${ctx.task.name}`, contexts);
    for (const c of contexts) await c.close().catch(() => undefined);
    contexts = [];
  });

  it('typesets the candidate prompt, the panel guide and a note with KaTeX from our origin', async () => {
    const res = await fetch(`${suite.server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Math e2e', plan: ['q1'] }),
    });
    const room = (await res.json()) as CreateRoomResponse;
    const cand = await join(room.links.candidate.url, 'Cleo');
    const ada = await join(room.links.interviewer.url, 'Ada');

    const panel = ada.page.getByTestId('panel');
    await panel.waitFor({ timeout: 15_000 });
    if ((await panel.getAttribute('data-collapsed')) === 'true') await ada.page.getByTestId('panel-toggle').first().click();
    await ada.page.locator('[data-testid="set-current"][data-question-id="q1"]').click();

    // The prompt, as the candidate sees it: KaTeX markup, and its fonts actually laid out.
    await expect.poll(() => katexCount(cand.page, 'question-prompt'), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => cand.page.evaluate(() => document.fonts.check('16px KaTeX_Main')), { timeout: 10_000 }).toBe(true);
    const katexBox = await cand.page.locator('[data-testid="question-prompt"] .katex').first().boundingBox();
    expect(katexBox?.height ?? 0).toBeGreaterThan(0);
    // The MathML copy is visually hidden by KaTeX's stylesheet: proof that the CSS arrived.
    expect(await cand.page.locator('[data-testid="question-prompt"] .katex-mathml').first().boundingBox()).toMatchObject({ width: 1, height: 1 });

    // The guide in the interviewer's panel has inline and display math.
    await ada.page.getByTestId('guide').waitFor({ timeout: 15_000 });
    await expect.poll(() => katexCount(ada.page, 'guide'), { timeout: 20_000 }).toBeGreaterThan(5);
    expect(await ada.page.locator('[data-testid="guide"] .katex-display').count()).toBeGreaterThan(0);
    expect(await ada.page.locator('[data-testid="guide"] .katex-error').count()).toBe(0);

    // A note with math gets a typeset preview.
    await ada.page.getByTestId('notes').fill('Derived $\\operatorname{Var}(q \\cdot k) = d_k$ unprompted.');
    await expect.poll(() => katexCount(ada.page, 'notes-preview'), { timeout: 10_000 }).toBe(1);

    // KaTeX's CSS and fonts came from this server, nowhere else.
    for (const { requested } of [cand, ada]) {
      const katexAssets = requested.filter((u) => /katex|KaTeX/.test(u));
      expect(katexAssets.some((u) => /\.woff2$/.test(u))).toBe(true);
      expect(katexAssets.every((u) => u.startsWith(suite.server.url))).toBe(true);
    }
    expect([...cand.errors, ...ada.errors].filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
