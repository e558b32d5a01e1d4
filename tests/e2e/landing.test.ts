/**
 * The landing page and the app's CSP in real Chromium (issue 12). With ATTN_CREATE_TOKEN set,
 * the page asks for the secret only after the server says it needs it, says when it is wrong,
 * and remembers it for the tab. The CSP test injects markup as a stored XSS would and checks that
 * it runs nothing, and that the e2e watcher (tests/support/browser.ts) reports the attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startAttn, type AttnServer } from '../../server/app.js';
import { testConfig } from '../support/server.js';
import { CLIENT_DIR, chromiumAvailable, launch, requireBuiltClient, takeCspViolations } from '../support/browser.js';

const hasBrowser = chromiumAvailable();
const SECRET = 'landing-secret-0123456789abcdef';

describe.skipIf(!hasBrowser)('landing page and CSP in Chromium', () => {
  let browser: Browser;
  let server: AttnServer;

  beforeAll(async () => {
    requireBuiltClient();
    server = await startAttn(testConfig({ clientDir: CLIENT_DIR, createToken: SECRET }), { logSink: () => undefined });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks for the room-creation secret when the server needs it, and keeps it for the tab', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('create-room').waitFor();
    expect(await page.getByTestId('create-token').count()).toBe(0);
    await page.getByTestId('create-room').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('needs its room-creation secret');

    await page.getByTestId('create-token').fill('not-the-secret-0123456789');
    await page.getByTestId('create-room').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('That room-creation secret is not right.');

    await page.getByTestId('create-token').fill(SECRET);
    await page.getByTestId('create-room').click();
    await page.getByTestId('open-interviewer').waitFor();
    expect(await page.evaluate(() => [sessionStorage.getItem('attn:create-token'), localStorage.getItem('attn:create-token')])).toEqual([SECRET, null]);

    // A reload of the tab creates the next interview without asking again.
    await page.reload();
    await page.getByTestId('create-room').click();
    await page.getByTestId('open-interviewer').waitFor();
    await page.close();
  });

  it('runs no injected markup, and the watcher reports the attempt', async () => {
    const page = await browser.newPage();
    for (const route of ['/', '/no/such/page']) {
      await page.goto(`${server.url}${route}`);
      await page.evaluate(() => {
        const div = document.createElement('div');
        // What a stored XSS would put in the DOM: an inline handler and an inline script.
        div.innerHTML = '<img src="data:," onerror="window.__pwned = 1"><a href="javascript:window.__pwned = 2">x</a>';
        document.body.append(div);
        const script = document.createElement('script');
        script.textContent = 'window.__pwned = 3';
        document.body.append(script);
        (div.querySelector('a') as HTMLAnchorElement).click();
      });
      await expect.poll(() => takeCspViolations().join('\n'), { timeout: 10_000 }).toMatch(/CSP violation: script-src/);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      takeCspViolations();
    }
    await page.close();
  });
});
