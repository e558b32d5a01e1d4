/**
 * Two and three real Chromium users in one room: create via the UI, draw and type on both sides,
 * the observer can't change anything, and a server restart keeps the board and the code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAttn, type AttnServer } from '../../server/app.js';
import { testConfig } from '../support/server.js';
import { chromiumAvailable, CLIENT_DIR, drawRectangle, elementCount, freePort, joinRoom, launch, requireBuiltClient, withScreenshots, watchPage } from '../support/browser.js';

const hasBrowser = chromiumAvailable();


describe.skipIf(!hasBrowser)('room in real browsers', () => {
  let browser: Browser;
  let server: AttnServer;
  let port: number;
  let dataDir: string;
  const contexts: BrowserContext[] = [];
  const problems: string[][] = [];

  const boot = async () => {
    const config = testConfig({ port, dataDir, clientDir: CLIENT_DIR, roomIdleMs: 1000 });
    server = await startAttn(config, { logSink: () => undefined });
  };

  const newUser = async (): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    problems.push(watchPage(page).errors);
    return page;
  };

  const join = async (page: Page, url: string, name: string) => {
    await joinRoom(page, url, name);
    await expect.poll(() => page.getByTestId('connection-state').textContent(), { timeout: 15_000 }).toBe('connected');
  };

  const padText = (page: Page) => page.locator('[data-testid="pad"] .cm-content').innerText();


  beforeAll(async () => {
    requireBuiltClient();
    port = await freePort();
    dataDir = testConfig().dataDir;
    await boot();
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('interviewer, candidate and observer share the board and the pad; the observer is read-only; a restart keeps both', async (ctx) => {
    await withScreenshots(ctx.task.name, contexts, async () => {
      // --- create a room through the landing page
      const interviewer = await newUser();
      await interviewer.goto(`http://127.0.0.1:${port}/`);
      await interviewer.getByTestId('new-interview-title').fill('Sparse attention design');
      await interviewer.getByTestId('create-room').click();
      const linkOf = async (role: string) => {
        const el = interviewer.getByTestId(`link-${role}`);
        await el.waitFor();
        return ((await el.inputValue().catch(() => null)) ?? (await el.textContent()) ?? '').trim();
      };
      const links = { interviewer: await linkOf('interviewer'), candidate: await linkOf('candidate'), observer: await linkOf('observer') };
      for (const url of Object.values(links)) expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/r/[A-Za-z0-9]+#token=[A-Za-z0-9_-]{43}$`));

      await interviewer.getByTestId('open-interviewer').click();
      await interviewer.getByTestId('name-input').fill('Ines');
      await interviewer.getByTestId('name-submit').click();
      await expect.poll(() => interviewer.getByTestId('connection-state').textContent(), { timeout: 15_000 }).toBe('connected');
      await interviewer.locator('[data-testid="canvas"] canvas.interactive').waitFor({ timeout: 30_000 });
      // the token left the address bar
      expect(interviewer.url()).not.toContain('token=');

      const candidate = await newUser();
      await join(candidate, links.candidate, 'Cam');
      const observer = await newUser();
      await join(observer, links.observer, 'Olu');

      // --- presence: everyone sees everyone with name and role
      for (const page of [interviewer, candidate, observer]) {
        await expect.poll(async () => (await page.getByTestId('presence-user').allTextContents()).join(' | '), { timeout: 10_000 }).toMatch(
          /(?=.*Ines.*interviewer)(?=.*Cam.*candidate)(?=.*Olu.*observer)/is,
        );
      }

      // --- the candidate draws; the interviewer and the observer see it
      await drawRectangle(candidate, 330, 220);
      await expect.poll(() => elementCount(candidate), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => elementCount(interviewer), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => elementCount(observer), { timeout: 10_000 }).toBe(1);

      // --- the interviewer types; the candidate sees it
      await interviewer.locator('[data-testid="pad"] .cm-content').click();
      await interviewer.keyboard.type('const q = tf.randomNormal([4, 8]);');
      await expect.poll(() => padText(candidate), { timeout: 10_000 }).toContain('const q = tf.randomNormal([4, 8]);');
      await expect.poll(() => padText(observer), { timeout: 10_000 }).toContain('const q = tf.randomNormal([4, 8]);');
      await expect.poll(async () => interviewer.getByTestId('unsynced').isVisible(), { timeout: 10_000 }).toBe(false);

      // --- the observer can't edit either surface
      expect(await observer.locator('[data-testid="pad"] .cm-content').getAttribute('contenteditable')).toBe('false');
      await observer.locator('[data-testid="pad"] .cm-content').click();
      await observer.keyboard.type('observer typing');
      await drawRectangle(observer, 420, 320);
      await new Promise((r) => setTimeout(r, 500));
      expect(await padText(interviewer)).not.toContain('observer typing');
      expect(await elementCount(interviewer)).toBe(1);

      // --- restart the server on the same data dir and port; reopen and see the same board and code
      await server.close();
      await expect.poll(() => candidate.getByTestId('connection-state').textContent(), { timeout: 15_000 }).not.toBe('connected');
      await boot();
      await expect.poll(() => candidate.getByTestId('connection-state').textContent(), { timeout: 20_000 }).toBe('connected');
      const reopened = await newUser();
      await join(reopened, links.candidate, 'Cam again');
      await expect.poll(() => elementCount(reopened), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => padText(reopened), { timeout: 15_000 }).toContain('const q = tf.randomNormal([4, 8]);');

      // --- the interviewer revokes the candidate's link from the Links dialog: the candidate's
      // pages are cut off with a clear message and the link can't get back in
      await interviewer.getByTestId('open-links').click();
      await interviewer.locator('[data-testid="revoke-link"][data-role="candidate"]').first().click();
      await interviewer.getByTestId('confirm-revoke').click();
      for (const page of [candidate, reopened]) {
        await expect.poll(() => page.getByTestId('fatal-error').textContent(), { timeout: 15_000 }).toMatch(/revoked/i);
      }
      const retry = await newUser();
      await retry.goto(links.candidate);
      await expect.poll(() => retry.getByTestId('join-error').textContent(), { timeout: 15_000 }).toMatch(/revoked/i);
      // the interviewer is unaffected
      expect(await interviewer.getByTestId('connection-state').textContent()).toBe('connected');

      const pageErrors = problems.flat().filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource|status of 410/.test(e));
      expect(pageErrors).toEqual([]);
    });
  });
});
