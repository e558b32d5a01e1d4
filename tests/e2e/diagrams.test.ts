/**
 * Issue 7 in real browsers: the interviewer inserts the current question's template from the
 * Diagram menu and the candidate sees the same elements and labels; the candidate cannot insert
 * until the interviewer allows it, then can; Check shapes flags an edge made wrong by editing a
 * block's label on the canvas.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { CreateRoomResponse } from '../../shared/api.js';
import { templates } from '../../questions/index.js';

import fs from 'node:fs';
import path from 'node:path';
import { browserAndServer, chromiumAvailable, elementCount, joinRoom, RESULTS_DIR, withScreenshots, watchPage } from '../support/browser.js';

const hasBrowser = chromiumAvailable();
const Q2 = 'long-sequence-transformer';
const q2 = templates.find((t) => t.id === Q2)!;
/** Arrows that are not control flow: the edges Check shapes walks. */
const Q2_EDGES = q2.elements.filter((e) => e.type === 'arrow' && !(e as { customData?: { control?: boolean } }).customData?.control).length;

describe.skipIf(!hasBrowser)('diagram kit', () => {
  const suite = browserAndServer();
  const contexts: BrowserContext[] = [];
  const problems: string[][] = [];

  const join = async (url: string, name: string): Promise<Page> => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    problems.push(watchPage(page).errors);
    return joinRoom(page, url, name);
  };
  const openMenu = async (page: Page) => {
    if ((await page.getByTestId('diagram-menu').count()) === 0) await page.getByTestId('diagram-menu-button').click();
    await page.getByTestId('diagram-menu').waitFor();
  };
  const closeMenu = async (page: Page) => {
    if ((await page.getByTestId('diagram-menu').count()) > 0) await page.getByTestId('diagram-menu-button').click();
  };
  const checkShapes = async (page: Page) => {
    if ((await page.getByTestId('shape-check-panel').count()) > 0) await page.getByTestId('shape-check-rerun').click();
    else {
      await openMenu(page);
      await page.getByTestId('diagram-check-shapes').click();
    }
    await page.getByTestId('shape-check-panel').waitFor();
    return {
      summary: (await page.getByTestId('shape-check-summary').textContent()) ?? '',
      blocks: await page.getByTestId('shape-estimate').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-block-name'))),
      mismatches: await page.getByTestId('shape-mismatch').allTextContents(),
      savings: await page.getByTestId('shape-window-saving').allTextContents(),
    };
  };

  it('insert, sync, permission, and a flagged shape mismatch', async (ctx) => {
    await withScreenshots(ctx.task.name, contexts, async () => {
      const res = await fetch(`${suite.server.url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Diagrams e2e' }),
      });
      const room = (await res.json()) as CreateRoomResponse;
      const setQuestion = await fetch(`${suite.server.url}/api/rooms/${room.room.id}/session/current`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${room.links.interviewer.token}` },
        body: JSON.stringify({ questionId: 'q2' }),
      });
      expect(setQuestion.status).toBe(200);

      const iv = await join(room.links.interviewer.url, 'Ivy');
      const cand = await join(room.links.candidate.url, 'Cleo');

      // An empty board offers the current question's template, to whoever may insert it.
      await iv.getByTestId('empty-board-hint').waitFor();
      expect(await iv.getByTestId('empty-board-hint').textContent()).toContain(q2.title);
      // The hint waits 0.8 s of emptiness before it shows; a negative needs that long plus margin.
      await cand.waitForTimeout(1500);
      expect(await cand.getByTestId('empty-board-hint').count()).toBe(0);

      // The ML blocks library ships with the page: the menu opens Excalidraw's library sidebar on it.
      await openMenu(iv);
      await iv.getByTestId('diagram-library').click();
      await expect.poll(() => iv.locator('.library-unit__active').count()).toBeGreaterThanOrEqual(8);
      await iv.getByTestId('sidebar-close').click();
      await iv.getByTestId('empty-board-hint').waitFor();

      // The interviewer inserts Q2 from the menu, where it is offered first as the current question's.
      await openMenu(iv);
      const first = iv.locator('[data-testid^="diagram-insert-"]').first();
      expect(await first.getAttribute('data-testid')).toBe(`diagram-insert-${Q2}`);
      await first.click();
      await expect.poll(() => elementCount(iv)).toBeGreaterThan(q2.elements.length);
      const inserted = await elementCount(iv);
      await expect.poll(() => elementCount(cand), { timeout: 15_000 }).toBe(inserted);
      expect(await iv.getByTestId('empty-board-hint').count()).toBe(0);

      // Same labels on both screens, read through each page's Check shapes panel.
      const ivReport = await checkShapes(iv);
      const candReport = await checkShapes(cand);
      expect(candReport).toEqual(ivReport);
      expect(ivReport.summary).toBe(`${Q2_EDGES} edges checked: all shapes fit.`);
      expect(ivReport.blocks).toContain('Sparse attention: local + global + random (h=32)');
      expect(ivReport.blocks).toContain('Token embedding');
      expect(ivReport.savings.join('\n')).toMatch(/attention 1645× cheaper than full O\(T²·d\) at T=1M, w=608/);
      // the README's picture of the kit (test-results/, copied to docs/screenshots/ by hand)
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      await iv.screenshot({ path: path.join(RESULTS_DIR, 'diagram-kit-check-shapes.png') });

      // The candidate may not insert yet: the item is disabled, and the shortcut does nothing.
      await openMenu(cand);
      expect(await cand.getByTestId(`diagram-insert-${Q2}`).isDisabled()).toBe(true);
      await cand.getByTestId('diagram-insert-blocked').waitFor();
      await closeMenu(cand);
      await cand.keyboard.press('Alt+Shift+KeyN');
      expect(await elementCount(cand)).toBe(inserted);

      // The interviewer allows it; the candidate's menu follows the board doc and the insert works.
      await openMenu(iv);
      await iv.getByTestId('diagram-allow-candidates').check();
      await expect.poll(() => iv.getByTestId('diagram-allow-candidates').isChecked()).toBe(true);
      await closeMenu(iv);
      await openMenu(cand);
      await expect.poll(() => cand.getByTestId(`diagram-insert-${Q2}`).isEnabled(), { timeout: 15_000 }).toBe(true);
      expect(await cand.getByTestId('diagram-insert-blocked').count()).toBe(0);
      await cand.getByTestId(`diagram-insert-${Q2}`).click();
      await expect.poll(() => elementCount(cand)).toBe(inserted * 2);
      await expect.poll(() => elementCount(iv), { timeout: 15_000 }).toBe(inserted * 2);

      // Break one edge: the interviewer relabels a feed-forward block to a 512-wide shape on the canvas.
      let report = await checkShapes(iv);
      expect(report.summary).toBe(`${Q2_EDGES * 2} edges checked: all shapes fit.`);
      await iv.locator('[data-testid="shape-estimate"][data-block-name="Feed-forward (d_ff = 4·d)"] button').first().click();
      await iv.locator('.excalidraw-container').focus();
      await iv.keyboard.press('Enter'); // edits the selected block's label
      const editor = iv.locator('textarea.excalidraw-wysiwyg');
      await editor.waitFor();
      await iv.keyboard.press('ControlOrMeta+A');
      await iv.keyboard.type('Feed-forward\n[B, T, 512]');
      await iv.keyboard.press('Escape');
      await editor.waitFor({ state: 'detached' });

      // Into it (4096 → 512) and out of it (512 → 4096, to the segment summaries and the merge): three edges flagged, on both screens.
      await expect.poll(async () => (report = await checkShapes(iv)).summary).toBe(`${Q2_EDGES * 2} edges checked: 3 mismatches.`);
      expect(report.mismatches).toHaveLength(3);
      expect(report.mismatches.join('\n')).toContain('Sparse attention: local + global + random (h=32) → Feed-forward');
      expect(report.mismatches.join('\n')).toContain('gives [B, T, 4096], expects [B, T, 512]');
      expect(report.mismatches.join('\n')).toContain('gives [B, T, 512], expects [B, T, 4096]');
      await expect.poll(async () => (await checkShapes(cand)).summary, { timeout: 15_000 }).toBe(`${Q2_EDGES * 2} edges checked: 3 mismatches.`);

      expect(problems.flat().filter((p) => p.startsWith('pageerror'))).toEqual([]);
    });
  });
});
