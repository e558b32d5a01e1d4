/**
 * Issue 7 in real browsers: an interviewer turns a Mermaid flowchart into shapes that reach the
 * candidate too; PNG export scales; the candidate exports valid SVG holding the node labels; the
 * interviewer attaches a PNG that shows on the scorecard; an observer exports but cannot insert.
 * Mermaid is fetched from attn only.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Download, Page } from 'playwright-core';
import { createRoom } from '../support/server.js';
import { browserAndServer, chromiumAvailable, elementCount, joinRoom, screenshotAll } from '../support/browser.js';

const hasBrowser = chromiumAvailable();

/** 4 nodes and 3 edges: 4 shapes + 4 labels + 3 arrows on the board. */
const FLOWCHART = `flowchart LR
  enc[Encoder] --> fuse[Fusion]
  txt[Tokenizer] --> fuse
  fuse --> head[Classifier]`;
/** single words: a wrapped label becomes two <text> lines in the SVG */
const LABELS = ['Encoder', 'Fusion', 'Tokenizer', 'Classifier'];
const ELEMENTS = 4 + 4 + 3;

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function saved(download: Download): Promise<{ name: string; bytes: Buffer }> {
  return { name: download.suggestedFilename(), bytes: fs.readFileSync((await download.path())!) };
}

describe.skipIf(!hasBrowser)('Mermaid import and image export', () => {
  const suite = browserAndServer();
  const contexts: BrowserContext[] = [];
  const requests: Array<{ who: string; url: string }> = [];

  const join = async (url: string, name: string): Promise<Page> => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('request', (r) => requests.push({ who: name, url: r.url() }));
    return joinRoom(page, url, name);
  };
  const openDialog = async (page: Page, item: 'diagram-mermaid' | 'diagram-export', dialog: string) => {
    await page.getByTestId('diagram-menu-button').click();
    await page.getByTestId(item).click();
    await page.getByTestId(dialog).waitFor({ state: 'visible', timeout: 15_000 });
  };
  const download = async (page: Page) => {
    const button = page.getByTestId('export-download');
    await expect.poll(() => button.isEnabled(), { timeout: 15_000 }).toBe(true);
    const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
    return saved(file);
  };

  it('Mermaid becomes shapes for everyone; PNG and SVG export; a PNG attached to the scorecard', async (ctx) => {
    try {
      const room = await createRoom(suite.server.url, 'Mermaid e2e');
      const iv = await join(room.links.interviewer.url.replace('localhost', '127.0.0.1'), 'Ines');
      const cand = await join(room.links.candidate.url.replace('localhost', '127.0.0.1'), 'Cam');

      // ---- Mermaid: an error names its line, then a valid flowchart goes in with Ctrl+Enter.
      await openDialog(iv, 'diagram-mermaid', 'mermaid-dialog');
      const input = iv.getByTestId('mermaid-input');
      await input.fill('flowchart LR\n  a[open --> b');
      const error = iv.getByTestId('mermaid-error');
      await error.waitFor({ timeout: 30_000 });
      expect(await error.getAttribute('data-line')).toBe('2');
      expect(await error.textContent()).toMatch(/^Line 2:/);
      await input.fill(FLOWCHART);
      await iv.locator('[data-testid="mermaid-preview"] svg').waitFor({ timeout: 30_000 });
      await input.press('Control+Enter');
      await iv.getByTestId('mermaid-dialog').waitFor({ state: 'hidden', timeout: 10_000 });
      await expect.poll(() => elementCount(iv), { timeout: 10_000 }).toBe(ELEMENTS);
      await expect.poll(() => elementCount(cand), { timeout: 10_000 }).toBe(ELEMENTS);

      // ---- PNG of the whole board at 1x and 2x: same picture, twice the pixels.
      await openDialog(iv, 'diagram-export', 'export-dialog');
      // The inserted diagram is still selected, so the dialog offers the selection first.
      expect(await iv.getByTestId('export-scope-selection').isChecked()).toBe(true);
      await iv.getByTestId('export-scope-board').check();
      await iv.getByTestId('export-scale-1').check();
      const one = await download(iv);
      expect(one.name).toMatch(/^attn-mermaid-e2e-\d{4}-\d{2}-\d{2}-\d{4}\.png$/);
      await iv.getByTestId('export-scale-2').check();
      const two = await download(iv);
      const s1 = pngSize(one.bytes);
      const s2 = pngSize(two.bytes);
      expect(s1.width).toBeGreaterThan(200);
      expect(Math.abs(s2.width - 2 * s1.width)).toBeLessThanOrEqual(2);
      expect(Math.abs(s2.height - 2 * s1.height)).toBeLessThanOrEqual(2);

      // ---- Attach to the scorecard (interviewers only) and see it there.
      await iv.getByTestId('export-caption').fill('Fusion architecture');
      await iv.getByTestId('export-attach').click();
      await iv.getByTestId('export-attached').waitFor({ timeout: 15_000 });
      // ...live in the interviewer's panel too
      await iv.keyboard.press('Escape');
      const panel = iv.getByTestId('panel');
      await panel.waitFor({ timeout: 15_000 });
      if ((await panel.getAttribute('data-collapsed')) === 'true') await iv.getByTestId('panel-toggle').first().click();
      const panelImg = iv.locator('[data-testid="panel-attachments"] [data-testid="sc-attachment-img"]');
      await panelImg.waitFor({ timeout: 15_000 });
      await expect.poll(() => panelImg.evaluate((el: HTMLImageElement) => el.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(200);
      expect(await iv.getByTestId('panel-images').textContent()).toContain('Fusion architecture');
      const scorecard = await iv.context().newPage();
      await scorecard.goto(`${suite.server.url}/r/${room.room.id}/scorecard#token=${room.links.interviewer.token}`);
      const img = scorecard.getByTestId('sc-attachment-img');
      await img.waitFor({ timeout: 15_000 });
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(200);
      expect(await scorecard.getByTestId('sc-attachment').textContent()).toContain('Fusion architecture');
      await scorecard.getByTestId('sc-attachment-remove').click();
      await scorecard.getByText('None attached.', { exact: false }).waitFor({ timeout: 10_000 });
      await scorecard.close();
      // removed on the scorecard page: gone from the live panel as well
      await expect.poll(() => iv.locator('[data-testid="panel-attachments"]').count(), { timeout: 10_000 }).toBe(0);
      expect(await iv.getByTestId('panel-images').textContent()).toContain('None yet');

      // ---- The candidate: export SVG (the labels arrived); attaching is not offered to them.
      await openDialog(cand, 'diagram-export', 'export-dialog');
      expect(await cand.getByTestId('export-attach').count()).toBe(0);
      await cand.getByTestId('export-format-svg').check();
      const svg = await download(cand);
      expect(svg.name).toMatch(/\.svg$/);
      const text = svg.bytes.toString('utf8');
      expect(text.startsWith('<svg')).toBe(true);
      expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
      expect(text.trimEnd().endsWith('</svg>')).toBe(true);
      for (const label of LABELS) expect(text).toContain(label);

      // ---- An observer may export, not insert: no Mermaid entry, no attaching.
      const obs = await join(room.links.observer.url.replace('localhost', '127.0.0.1'), 'Obi');
      await obs.getByTestId('diagram-menu-button').click();
      await obs.getByTestId('diagram-export').waitFor();
      expect(await obs.getByTestId('diagram-mermaid').count()).toBe(0);
      await obs.getByTestId('diagram-export').click();
      await obs.getByTestId('export-dialog').waitFor({ state: 'visible' });
      expect(pngSize((await download(obs)).bytes).width).toBeGreaterThan(200);
      expect(await obs.getByTestId('export-attach').count()).toBe(0);

      // Nothing came from anywhere but attn (Mermaid, fonts, images all served by us).
      const foreign = requests.filter((r) => !/^(http:\/\/127\.0\.0\.1:\d+\/|data:|blob:)/.test(r.url));
      expect(foreign).toEqual([]);
    } catch (error) {
      const shots = await screenshotAll(`diagram-mermaid-export-${ctx.task.name}`, contexts);
      throw new Error(`${(error as Error).message}\nscreenshots: ${shots.join(', ')}`, { cause: error });
    }
  });
});
