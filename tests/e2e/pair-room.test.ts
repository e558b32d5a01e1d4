/**
 * Issue 14, pair rooms in real Chromium: two peers on the one peer link draw and type together;
 * neither page shows any panel UI or opens a panel socket, and the room (presence, name dialog,
 * Links dialog, replay) says peer and read-only, never interviewer; the read-only link can't change the
 * board; converting to an interview keeps the board and brings the panel.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { browserAndServer, chromiumAvailable, drawRectangle, elementCount, joinRoom, withScreenshots, watchPage } from '../support/browser.js';

describe.skipIf(!chromiumAvailable())('pair room in real browsers', () => {
  const suite = browserAndServer();
  const contexts: BrowserContext[] = [];
  const sockets: string[] = [];
  const errors: string[][] = [];

  const newUser = async (): Promise<Page> => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    errors.push(watchPage(page).errors);
    page.on('websocket', (ws) => sockets.push(ws.url()));
    return page;
  };
  const connected = (page: Page) => expect.poll(() => page.getByTestId('connection-state').textContent(), { timeout: 15_000 }).toBe('connected');
  const padText = (page: Page) => page.locator('[data-testid="pad"] .cm-content').innerText();

  it('two peers draw and type; no panel UI or panel socket; the read-only link reads; convert keeps the board', async (ctx) => {
    try {
      await withScreenshots(ctx.task.name, contexts, async () => {
        const base = `http://127.0.0.1:${new URL(suite.server.url).port}`;
        const a = await newUser();
        await a.goto(`${base}/`);
        await a.getByTestId('create-pair').click();
        const peerLink = (await a.getByTestId('link-interviewer').inputValue()).trim();
        const readOnlyLink = (await a.getByTestId('link-observer').inputValue()).trim();
        expect(await a.getByTestId('link-candidate').count()).toBe(0);
        expect(await a.locator('.links-card').getAttribute('data-kind')).toBe('pair');

        await a.goto(peerLink);
        await expect.poll(() => a.getByTestId('name-dialog').innerText(), { timeout: 15_000 }).toContain('You are joining as peer.');
        await joinRoom(a, peerLink, 'Ada');
        await connected(a);
        const b = await newUser();
        await joinRoom(b, peerLink, 'Bo');
        await connected(b);

        await drawRectangle(a, 340, 220);
        await expect.poll(() => elementCount(b), { timeout: 10_000 }).toBe(1);
        await b.locator('[data-testid="pad"] .cm-content').click();
        await b.keyboard.type('const k = tf.ones([2, 2]);');
        await expect.poll(() => padText(a), { timeout: 10_000 }).toContain('const k = tf.ones([2, 2]);');

        const watcher = await newUser();
        await joinRoom(watcher, readOnlyLink, 'Cy');
        await connected(watcher);
        await expect.poll(() => elementCount(watcher), { timeout: 10_000 }).toBe(1);
        expect(await watcher.locator('[data-testid="pad"] .cm-content').getAttribute('contenteditable')).toBe('false');

        // The room names a pair room's links in its own words: peers and read-only, never "interviewer".
        for (const page of [a, b, watcher]) {
          await expect.poll(async () => (await page.getByTestId('presence-user').allTextContents()).join(' | '), { timeout: 10_000 }).toMatch(
            /(?=.*Ada.*Peer)(?=.*Bo.*Peer)(?=.*Cy.*Read-only)/s,
          );
          const titles = await page.getByTestId('presence-user').evaluateAll((els) => els.map((el) => el.getAttribute('title') ?? ''));
          expect(titles.join(' | ')).toContain('Ada');
          expect(`${await page.locator('.room-topbar').innerText()} ${titles.join(' ')}`).not.toMatch(/interviewer/i);
          // Nobody in a pair room sets a question: no strip waiting on one.
          expect(await page.getByTestId('question-strip').count()).toBe(0);
        }
        // The Links dialog offers the pair room's two roles only, in its words.
        await a.getByTestId('open-links').click();
        const dialog = a.getByTestId('links-dialog');
        await dialog.locator('.links-role').first().waitFor({ timeout: 10_000 });
        expect(await dialog.locator('.links-role').evaluateAll((els) => els.map((el) => el.getAttribute('data-role')))).toEqual(['interviewer', 'observer']);
        expect(await dialog.locator('.links-role-head .role-badge').allTextContents()).toEqual(['Peer', 'Read-only']);
        expect(await dialog.innerText()).not.toMatch(/interviewer|candidate/i);
        await a.keyboard.press('Escape');
        await expect.poll(() => dialog.isVisible()).toBe(false);
        const [replay] = await Promise.all([a.context().waitForEvent('page'), a.getByTestId('open-replay').click()]);
        await replay.getByTestId('replay').waitFor({ timeout: 30_000 });
        await expect.poll(async () => (await replay.getByTestId('replay-author').allTextContents()).join(' | '), { timeout: 10_000 }).toMatch(/(?=.*Ada \(peer\))(?=.*Cy \(read-only\))/s);
        const joins = await replay.locator('[data-testid="replay-marker"][data-kind="join"]').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
        expect(joins.join(' | ')).toContain('Bo (peer) joined');
        expect(`${joins.join(' ')} ${(await replay.getByTestId('replay-author').allTextContents()).join(' ')}`).not.toMatch(/interviewer/i);
        await replay.close();

        for (const page of [a, b, watcher]) {
          expect(await page.getByTestId('panel').count()).toBe(0);
          expect(await page.getByTestId('panel-loading').count()).toBe(0);
          expect(await page.getByTestId('practice').count()).toBe(0);
          expect(await page.getByTestId('rubric-row').count()).toBe(0);
        }
        expect(sockets.some((url) => url.includes('/sync/'))).toBe(true);
        expect(sockets.filter((url) => /\/panel(\?|$)/.test(url))).toEqual([]);
        // The read-only link gets no convert button; a peer does.
        expect(await watcher.getByTestId('convert-room').count()).toBe(0);

        // --- convert: same board, and the panel appears for the peer link
        await a.getByTestId('convert-room').click();
        await a.getByTestId('convert-confirm').click();
        const candidateLink = (await a.getByTestId('convert-candidate-link').inputValue()).trim();
        expect(candidateLink).toMatch(/#token=[A-Za-z0-9_-]{43}$/);
        await a.getByTestId('convert-reload').click();
        await connected(a);
        await a.getByTestId('panel').waitFor({ timeout: 15_000 });
        await expect.poll(() => elementCount(a), { timeout: 10_000 }).toBe(1);
        const candidate = await newUser();
        await joinRoom(candidate, candidateLink, 'Dee');
        await connected(candidate);
        await expect.poll(() => elementCount(candidate), { timeout: 10_000 }).toBe(1);
        expect(await candidate.getByTestId('panel').count()).toBe(0);

        const pageErrors = errors.flat().filter((e) => !/WebSocket|Failed to load resource/.test(e));
        expect(pageErrors).toEqual([]);
      });
    } finally {
      for (const c of contexts.splice(0)) await c.close();
    }
  }, 240_000);
});
