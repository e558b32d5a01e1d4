/**
 * Issue 16 in real browsers: an interviewer puts a spot-the-bug question on screen; the candidate
 * sees the numbered listing (and, once the interviewer puts it there, the same code on the pad);
 * the interviewer sees every planted defect; nothing the candidate's page receives holds one.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { CreateRoomResponse } from '../../shared/api.js';
import { boardElements } from '../../shared/doc.js';
import { browserAndServer, chromiumAvailable, elementCount, joinRoom, withScreenshots } from '../support/browser.js';

const hasBrowser = chromiumAvailable();

describe.skipIf(!hasBrowser)('spot the bug', () => {
  const suite = browserAndServer();
  const contexts: BrowserContext[] = [];

  it('the candidate reviews the listing; only the interviewer sees the defects', async (ctx) => {
    await withScreenshots(ctx.task.name, contexts, async () => {
      const res = await fetch(`${suite.server.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Spot the bug e2e', plan: ['q16'] }),
      });
      const room = (await res.json()) as CreateRoomResponse;
      const question = suite.server.questions.get('q16')!;
      const listing = question.listing!;

      const candCtx = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(candCtx);
      const cand = await candCtx.newPage();
      const received: Buffer[] = [];
      cand.on('response', async (r) => {
        if (r.url().includes('/api/')) received.push(await r.body().catch(() => Buffer.alloc(0)));
      });
      cand.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(Buffer.isBuffer(f.payload) ? f.payload : Buffer.from(f.payload))));
      await joinRoom(cand, room.links.candidate.url, 'Cleo');

      const ivCtx = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(ivCtx);
      const iv = await joinRoom(await ivCtx.newPage(), room.links.interviewer.url, 'Ada');
      const panel = iv.getByTestId('panel');
      await panel.waitFor({ timeout: 15_000 });
      if ((await panel.getAttribute('data-collapsed')) === 'true') await iv.getByTestId('panel-toggle').first().click();
      await iv.locator('[data-testid="set-current"][data-question-id="q16"]').click();

      // The candidate sees the listing, line-numbered as in the interviewer's table.
      await expect.poll(() => cand.getByTestId('question-title').textContent(), { timeout: 10_000 }).toBe(question.title);
      const lines = listing.code.trimEnd().split('\n');
      await expect.poll(() => cand.locator('[data-testid="listing"] .listing-line').count(), { timeout: 10_000 }).toBe(lines.length);
      const first = listing.defects[0]!;
      const shown = await cand.locator(`[data-testid="listing"] .listing-line[data-line="${first.line}"]`).innerText();
      expect(shown.replace(/^\d+/, '').trimEnd()).toBe(lines[first.line - 1]!.trimEnd());
      expect(await cand.getByTestId('listing-review').count()).toBe(0);

      // The interviewer sees every defect, with line, severity, fix and follow-up.
      const defects = iv.getByTestId('listing-defect');
      await expect.poll(() => defects.count(), { timeout: 10_000 }).toBe(listing.defects.length);
      expect(await defects.first().getAttribute('data-line')).toBe(String(first.line));
      expect(await defects.first().innerText()).toContain(first.fix);

      // Put on the pad: the candidate's pad holds the listing.
      await iv.getByTestId('listing-to-pad').click();
      const padText = () => cand.locator('[data-testid="pad"] .cm-content').innerText();
      await expect.poll(padText, { timeout: 10_000 }).toContain(lines[first.line - 1]!.trim());

      // On the board: the Diagram menu offers the listing as a template; it lands as one numbered
      // text element that the candidate's board receives.
      await iv.getByTestId('diagram-menu-button').click();
      await iv.getByTestId('diagram-insert-listing-q16').click();
      const boardTexts = () =>
        suite.server.sync.read(room.room.id, 'board', (doc) =>
          [...boardElements(doc).values()].map((e) => (e as { type?: string; text?: string; isDeleted?: boolean })).filter((e) => e.type === 'text' && !e.isDeleted).map((e) => e.text ?? ''),
        );
      const numbered = `${String(first.line).padStart(String(lines.length).length)}  ${lines[first.line - 1]}`;
      await expect.poll(async () => (await boardTexts()).some((t) => t.split('\n').includes(numbered)), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => elementCount(cand), { timeout: 10_000 }).toBeGreaterThan(0);

      const all = Buffer.concat(received);
      expect(all.includes(Buffer.from(lines[first.line - 1]!.trim()))).toBe(true);
      const secrets = listing.defects.flatMap((d) => [d.defect.slice(0, 50), d.fix, d.followUp.slice(0, 50)]);
      expect(secrets.filter((s) => all.includes(Buffer.from(s)))).toEqual([]);
    });
  });
});
