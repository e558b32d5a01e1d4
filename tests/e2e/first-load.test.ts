/**
 * First load in real Chromium: the question strip and the code pad work before Excalidraw has
 * arrived. The canvas chunk is held back with route() for as long as the test likes, so nothing
 * here depends on how fast anything loads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { createRoom } from '../support/server.js';
import { browserAndServer, chromiumAvailable, screenshotAll, watchPage } from '../support/browser.js';

const hasBrowser = chromiumAvailable();
/** Excalidraw's entry chunk, as Vite names the lazy `import('../canvas/Canvas.js')`. */
const CANVAS_CHUNK = /\/assets\/Canvas-[\w-]+\.js$/;
const EDITABLE_PAD = '[data-testid="pad"] .cm-content[contenteditable="true"]';
const padText = (page: Page) => page.locator('[data-testid="pad"] .cm-content').innerText();

describe.skipIf(!hasBrowser)('first load', () => {
  const suite = browserAndServer();
  let contexts: BrowserContext[] = [];

  const newUser = async (name: string): Promise<{ page: Page; requested: string[]; errors: string[] }> => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    // A returning user: the name prompt (a modal) is not what this test is about. Top frame only:
    // init scripts run in every frame, and the runner's sandboxed frame has no storage at all.
    await ctx.addInitScript((n) => {
      if (window.top === window) window.localStorage.setItem('attn:name', n);
    }, name);
    // Notes when the pad first became editable, in the page's own clock, for ordering checks.
    await ctx.addInitScript((sel) => {
      const w = window as unknown as { padEditableAt: number | null };
      w.padEditableAt = null;
      const seen = new MutationObserver(() => {
        if (w.padEditableAt === null && document.querySelector(sel)) {
          w.padEditableAt = performance.now();
          seen.disconnect();
        }
      });
      seen.observe(document, { childList: true, subtree: true, attributes: true });
    }, EDITABLE_PAD);
    const page = await ctx.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    return { page, requested, errors: watchPage(page).errors };
  };

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotAll(`first-load-${ctx.task.name}`, contexts);
    for (const c of contexts) await c.close().catch(() => undefined);
    contexts = [];
  });

  it('lets the candidate read the question and type in the pad while the Excalidraw chunk is held back', async () => {
    // With a question on screen, so the prompt's Markdown and math are part of the first load.
    const { room, links } = await createRoom(suite.server.url, 'first load');
    const asked = await fetch(`${suite.server.url}/api/rooms/${room.id}/session/current`, {
      method: 'POST',
      headers: { authorization: `Bearer ${links.interviewer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ questionId: 'q1' }),
    });
    expect(asked.status).toBe(200);
    const interviewer = await newUser('Ines');
    const candidate = await newUser('Cam');

    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await candidate.page.route(CANVAS_CHUNK, async (route: Route) => {
      await released;
      await route.continue();
    });

    await interviewer.page.goto(links.interviewer.url);
    await interviewer.page.locator(EDITABLE_PAD).waitFor({ timeout: 30_000 });
    await candidate.page.goto(links.candidate.url);

    await candidate.page.locator(EDITABLE_PAD).waitFor({ timeout: 30_000 });
    await candidate.page.getByTestId('question-strip').waitFor({ timeout: 10_000 });
    await candidate.page.locator(EDITABLE_PAD).click();
    await candidate.page.keyboard.press('Control+End');
    await candidate.page.keyboard.type('const seen = tf.ones([2, 2]);');
    expect(await padText(candidate.page)).toContain('const seen = tf.ones([2, 2]);');
    // ...and it is synced, not just local: the interviewer sees it, still before the canvas.
    await expect.poll(() => padText(interviewer.page), { timeout: 10_000 }).toContain('const seen = tf.ones([2, 2]);');

    // The prompt is readable before rich text: plain text first, KaTeX once the renderer arrives.
    await candidate.page.locator('[data-testid="question-prompt"] .katex').first().waitFor({ timeout: 30_000 });

    expect(await candidate.page.locator('[data-testid="canvas"] canvas.interactive').count()).toBe(0);
    expect(await candidate.page.getByTestId('canvas-pane').innerText()).toContain('Loading the canvas');

    release();
    await candidate.page.locator('[data-testid="canvas"] canvas.interactive').waitFor({ timeout: 30_000 });
    expect(await padText(candidate.page)).toContain('const seen = tf.ones([2, 2]);');

    // Order, not speed: nothing of Excalidraw (its chunk, its preloaded dependencies, its CSS)
    // was even requested before the pad was editable, so it could not delay the pad's first frame.
    const order = await candidate.page.evaluate(() => ({
      pad: (window as unknown as { padEditableAt: number | null }).padEditableAt,
      excalidraw: performance
        .getEntriesByType('resource')
        .filter((e) => /\/assets\/(Canvas|prod)-[\w-]+\.(js|css)$/.test(e.name))
        .map((e) => e.startTime),
      richText: performance
        .getEntriesByType('resource')
        .filter((e) => /\/assets\/(markdown|katex)-[\w-]+\.(js|css)$/.test(e.name))
        .map((e) => e.startTime),
    }));
    expect(order.pad).not.toBeNull();
    expect(order.excalidraw.length).toBeGreaterThan(0);
    expect(Math.min(...order.excalidraw)).toBeGreaterThan(order.pad!);
    // Likewise the Markdown renderer and KaTeX (JS and CSS): requested only after the pad.
    expect(order.richText.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...order.richText)).toBeGreaterThan(order.pad!);

    // The candidate never downloads the interviewers' panel, nor LiveKit (A/V is not configured here).
    expect(candidate.requested.filter((p) => /PanelColumn|AvCall/.test(p))).toEqual([]);
    expect(interviewer.requested.some((p) => /PanelColumn/.test(p))).toBe(true);
    expect(interviewer.requested.filter((p) => /AvCall/.test(p))).toEqual([]);
    expect([...interviewer.errors, ...candidate.errors].filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
