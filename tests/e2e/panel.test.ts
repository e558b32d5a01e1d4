/**
 * Issue 3 in real browsers: two interviewers and a candidate. Both interviewers score; each sees
 * the other's score, the mean and Krippendorff's alpha update live; the candidate's page has no
 * panel and nothing interviewer-only crosses its network; the scorecard downloads with both scores.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { CreateRoomResponse } from '../../shared/api.js';
import { browserAndServer, chromiumAvailable, joinRoom, withScreenshots } from '../support/browser.js';

const hasBrowser = chromiumAvailable();

describe.skipIf(!hasBrowser)('the interviewers’ panel', () => {
  const suite = browserAndServer();
  const contexts: BrowserContext[] = [];

  const join = async (url: string, name: string): Promise<Page> => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
    contexts.push(ctx);
    const page = await ctx.newPage();
    return joinRoom(page, url, name);
  };
  const openPanel = async (page: Page) => {
    const panel = page.getByTestId('panel');
    await panel.waitFor({ timeout: 15_000 });
    if ((await panel.getAttribute('data-collapsed')) === 'true') await page.getByTestId('panel-toggle').first().click();
    await page.getByTestId('plan').waitFor({ timeout: 15_000 });
  };
  const score = async (page: Page, sub: string, value: number) => {
    const row = page.locator(`[data-testid="rubric-row"][data-sub="${sub}"]`);
    await row.focus();
    await page.keyboard.press(String(value));
    await expect.poll(() => row.getAttribute('data-score')).toBe(String(value));
  };
  const raterCell = (page: Page, name: string) =>
    page.locator(`[data-testid="rater-score"][data-rater-name="${name}"] td`).first().textContent();

  it('two interviewers score live; the candidate sees the prompt and nothing else', async (ctx) => {
    await withScreenshots(ctx.task.name, contexts, async () => {
      const res = await fetch(`${suite.server.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Panel e2e', plan: ['q1', 'q2'] }),
      });
      const room = (await res.json()) as CreateRoomResponse;

      // The candidate joins first and records everything it receives.
      const candCtx = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
      contexts.push(candCtx);
      const cand = await candCtx.newPage();
      const received: Buffer[] = [];
      const socketUrls: string[] = [];
      const requestUrls: string[] = [];
      cand.on('request', (r) => requestUrls.push(r.url()));
      cand.on('response', async (r) => {
        if (r.url().includes('/api/')) received.push(await r.body().catch(() => Buffer.alloc(0)));
      });
      cand.on('websocket', (ws) => {
        socketUrls.push(ws.url());
        ws.on('framereceived', (f) => received.push(Buffer.isBuffer(f.payload) ? f.payload : Buffer.from(f.payload)));
      });
      await joinRoom(cand, room.links.candidate.url, 'Cleo');

      const ada = await join(room.links.interviewer.url, 'Ada');
      const bob = await join(room.links.interviewer.url, 'Bob');
      await openPanel(ada);
      await openPanel(bob);

      // Ada puts q1 on screen; everyone sees its title, the candidate sees its prompt and timer.
      await ada.locator('[data-testid="set-current"][data-question-id="q1"]').click();
      const q1 = suite.server.questions.get('q1')!;
      for (const page of [ada, bob, cand]) {
        await expect.poll(() => page.getByTestId('question-title').textContent(), { timeout: 10_000 }).toBe(q1.title);
      }
      await expect.poll(() => cand.getByTestId('question-timer').textContent(), { timeout: 10_000 }).toMatch(/^\d\d:\d\d \/ 15 min$/);
      await expect.poll(() => cand.getByTestId('question-prompt').innerText(), { timeout: 10_000 }).toContain('self-attention');
      await ada.getByTestId('guide').waitFor();

      // Both score two items of technical depth; each sees the other's score live.
      await score(ada, 'math-understanding', 4);
      await score(ada, 'implementation-details', 5);
      await expect.poll(() => raterCell(bob, 'Ada'), { timeout: 10_000 }).toBe('88'); // mean 4.5 -> 87.5
      await expect.poll(() => bob.getByTestId('alpha').locator('.alpha-value').textContent()).toBe('—');
      await score(bob, 'math-understanding', 3);
      await score(bob, 'implementation-details', 5);
      for (const page of [ada, bob]) {
        await expect.poll(() => raterCell(page, 'Bob'), { timeout: 10_000 }).toBe('75');
        await expect.poll(() => raterCell(page, 'Ada'), { timeout: 10_000 }).toBe('88');
        await expect.poll(() => page.getByTestId('panel-mean').locator('td').first().textContent(), { timeout: 10_000 }).toBe('81');
        // interval alpha over (4,3) and (5,5): 1 - 0.5 / (22/12) = 0.727
        await expect.poll(async () => Number(await page.getByTestId('alpha').getAttribute('data-alpha')), { timeout: 10_000 }).toBeCloseTo(0.7273, 3);
      }
      await ada.getByTestId('notes').fill('CONFIDENTIAL-NOTE: derived the scaling from the dot-product variance');
      await expect.poll(() => bob.getByTestId('rater-score').count()).toBe(2);

      // The scorecard downloads with both interviewers' scores.
      const [download] = await Promise.all([ada.waitForEvent('download'), ada.getByTestId('download-scorecard-md').click()]);
      const md = fs.readFileSync((await download.path())!, 'utf8');
      expect(md).toContain('| Ada | 87.5 |');
      expect(md).toContain('| Bob | 75.0 |');
      expect(md).toContain('CONFIDENTIAL-NOTE');

      // The candidate: no panel in the page, no panel socket, no interviewer-only bytes received.
      await cand.waitForTimeout(500);
      expect(await cand.getByTestId('panel').count()).toBe(0);
      expect(socketUrls.length).toBeGreaterThan(0);
      expect(socketUrls.filter((u) => /\/panel(\?|$)/.test(new URL(u).pathname + '?'))).toEqual([]);
      expect(requestUrls.filter((u) => /\/questions|\/scorecard/.test(u))).toEqual([]);
      const all = Buffer.concat(received);
      // names are public (the presence bar), rater ids exist only in the panel doc
      const adaRater = (await ada.evaluate(() => localStorage.getItem('attn.raterId')))!;
      expect(adaRater.length).toBeGreaterThan(6);
      const forbidden = ['CONFIDENTIAL-NOTE', adaRater, q1.guide.slice(0, 60), q1.guide.slice(-60), ...q1.followUps, ...q1.probing];
      expect(forbidden.filter((s) => all.includes(Buffer.from(s)))).toEqual([]);
      expect(all.includes(Buffer.from(q1.title))).toBe(true); // it did receive the question itself
    });
  });
});
