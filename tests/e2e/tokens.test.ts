/**
 * Room tokens in a real Chromium: none reaches localStorage unless the interviewer asks this
 * device to remember links, none is in a sync socket's URL, and none shows up in the console
 * when the server goes away (Chromium prints "WebSocket connection to '<url>' failed" for every
 * retry, which used to carry ?token=).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startAttn, type AttnServer } from '../../server/app.js';
import { testConfig } from '../support/server.js';
import { chromiumAvailable, CLIENT_DIR, freePort, launch, requireBuiltClient, screenshotAll } from '../support/browser.js';

const hasBrowser = chromiumAvailable();

describe.skipIf(!hasBrowser)('tokens in the browser', () => {
  let browser: Browser;
  let server: AttnServer;
  let port: number;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    requireBuiltClient();
    port = await freePort();
    server = await startAttn(testConfig({ port, host: '127.0.0.1', clientDir: CLIENT_DIR }), { logSink: () => undefined });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('keeps tokens out of localStorage, socket URLs and the console, even with the server down', async (ctx) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(context);
    const page = await context.newPage();
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    const socketUrls: string[] = [];
    page.on('websocket', (ws) => socketUrls.push(ws.url()));
    const storedIn = (area: 'localStorage' | 'sessionStorage') =>
      page.evaluate((which) => {
        const s = window[which];
        return Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i)!)}`).join('\n');
      }, area);

    try {
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.getByTestId('new-interview-title').fill('Token hygiene');
      await page.getByTestId('create-room').click();
      const linkOf = async (role: string) => {
        const el = page.getByTestId(`link-${role}`);
        await el.waitFor();
        return ((await el.inputValue().catch(() => null)) ?? (await el.textContent()) ?? '').trim();
      };
      const links = [await linkOf('interviewer'), await linkOf('candidate'), await linkOf('observer')];
      const tokens = links.map((url) => new URL(url).hash.replace('#token=', ''));
      for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const roomId = new URL(links[0]!).pathname.split('/').pop()!;

      // Minted links are kept for this tab only.
      for (const token of tokens) expect(await storedIn('localStorage')).not.toContain(token);
      expect(await storedIn('sessionStorage')).toContain(tokens[1]);

      await page.getByTestId('open-interviewer').click();
      await page.getByTestId('name-input').fill('Ines');
      await page.getByTestId('name-submit').click();
      await expect.poll(() => page.getByTestId('connection-state').textContent(), { timeout: 15_000 }).toBe('connected');
      await expect.poll(() => socketUrls.map((u) => new URL(u).pathname).sort(), { timeout: 15_000 }).toEqual([`/sync/${roomId}/board`, `/sync/${roomId}/panel`]);
      for (const url of socketUrls) for (const token of tokens) expect(url).not.toContain(token);

      // "Remember links on this device" is the only way a token reaches localStorage, and
      // switching it off takes them out again.
      await page.getByTestId('open-links').click();
      const remember = page.getByTestId('remember-links');
      await expect.poll(() => remember.isChecked()).toBe(false);
      await remember.check();
      expect(await storedIn('localStorage')).toContain(tokens[1]);
      await remember.uncheck();
      for (const token of tokens) expect(await storedIn('localStorage')).not.toContain(token);
      await page.keyboard.press('Escape');

      // The server goes away; the providers keep retrying and Chromium logs each failed socket.
      await server.close();
      await expect
        .poll(() => consoleLines.filter((line) => /WebSocket connection to .*\/sync\/.*failed/.test(line)).length, { timeout: 30_000 })
        .toBeGreaterThanOrEqual(2);
      const failed = consoleLines.filter((line) => line.includes('WebSocket connection to'));
      expect(failed.some((line) => line.includes('/panel'))).toBe(true);
      for (const line of consoleLines) for (const token of tokens) expect(line).not.toContain(token);
    } catch (err) {
      await screenshotAll(ctx.task.name, contexts);
      throw err;
    }
  });
});
