/**
 * Real Chromium for e2e tests: Debian's /usr/bin/chromium driven by playwright-core.
 * On a developer machine without Chromium the e2e suite skips with a loud message; under CI=true
 * a missing browser is a failure, never a skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startAttn, type AttnServer } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { testConfig } from './server.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  const ok = fs.existsSync(CHROMIUM_PATH);
  if (!ok) {
    if (process.env.CI) throw new Error(`CI=true but Chromium is missing at ${CHROMIUM_PATH}: .ci/run must install it (apt-get install -y chromium).`);
    console.warn(
      `\n\n*** SKIPPING BROWSER TESTS: no Chromium at ${CHROMIUM_PATH}. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH). ***\n\n`,
    );
  }
  return ok;
}

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...BASE_ARGS, ...extraArgs] });
  // Every context (browser.newPage makes one through newContext too) reports CSP violations.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await watchCsp(context);
    return context;
  };
  return browser;
}

// ---- Content-Security-Policy violations fail the test that was running (issue 12) ----------

/** Violations seen since the last test ended, as one line each. */
const cspViolations: string[] = [];

/**
 * Runs in every document before its scripts. Only top-level pages report: the snippet runner's
 * sandboxed frame (/runner-host) exists to refuse what a snippet tries, so its refusals are the
 * sandbox working, not the app breaking.
 */
const CSP_WATCH_SCRIPT = `(() => {
  if (window.top !== window) return;
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error('CSP violation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' + e.documentURI + ' (' + (e.sourceFile || '?') + ':' + e.lineNumber + ':' + e.columnNumber + ')');
  });
})();`;

/**
 * Refusals the policy makes on purpose. Excalidraw 0.18.1 subsets fonts for an export in a worker;
 * when that worker fails (seen here under load: it times out), it falls back to the main thread,
 * where its harfbuzz/woff2 glue (emscripten embind, Excalidraw's chunk-EIO257PC) builds functions
 * with `new Function`. The page's CSP has no 'unsafe-eval', so that subsetting is refused and the
 * export goes on without it (the Mermaid/export e2e's PNG and SVG checks pass either way). A new
 * Excalidraw renames the chunk, and this has to be looked at again.
 */
const EXPECTED_REFUSALS = [/^CSP violation: script-src blocked eval in \S+ \(\S+\/assets\/chunk-EIO257PC-[\w-]+\.js:/];
const EXCALIDRAW_SUBSET_CHUNK = /\/assets\/chunk-EIO257PC-[\w-]+\.js/;

/** Console lines from the runner's worker or frame are the runner's own sandbox refusing a snippet. */
const RUNNER_SOURCE = /\/runner-host|attn-runner-|^blob:/;

async function watchCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript(CSP_WATCH_SCRIPT);
  const watch = (page: Page) =>
    page.on('console', (m) => {
      const text = m.text();
      if (EXPECTED_REFUSALS.some((re) => re.test(text))) return;
      if (text.startsWith('Refused to evaluate a string as JavaScript') && EXCALIDRAW_SUBSET_CHUNK.test(m.location().url)) return;
      if (text.startsWith('CSP violation: ') || (text.startsWith('Refused to') && !RUNNER_SOURCE.test(m.location().url))) {
        cspViolations.push(`${page.url()}: ${text}`);
      }
    });
  context.pages().forEach(watch);
  context.on('page', watch);
}

/** The violations recorded so far (and forgets them): for a test that expects some. */
export function takeCspViolations(): string[] {
  return cspViolations.splice(0);
}

function failOnCspViolations(): void {
  const found = takeCspViolations();
  if (found.length > 0) throw new Error(`Content-Security-Policy violations:\n${[...new Set(found)].join('\n')}`);
}

// Registered by importing this module, so every e2e file gets it; the bench imports it outside vitest.
if (process.env.VITEST) {
  afterEach(failOnCspViolations);
  afterAll(failOnCspViolations);
}

export const RESULTS_DIR = path.resolve(import.meta.dirname, '../../test-results');

/** Saves a screenshot of every open page; called when a test fails. */
export async function screenshotAll(label: string, contexts: BrowserContext[]): Promise<string[]> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const saved: string[] = [];
  let i = 0;
  for (const ctx of contexts) {
    for (const page of ctx.pages()) {
      const file = path.join(RESULTS_DIR, `${label.replace(/[^a-z0-9]+/gi, '-')}-${i++}.png`);
      await page.screenshot({ path: file, fullPage: false }).catch(() => undefined);
      saved.push(file);
    }
  }
  return saved;
}

/**
 * Runs a test's body; if it fails, screenshots every page of `contexts` (before any `finally`
 * closes them) and rethrows with the files named in the message.
 */
export async function withScreenshots(label: string, contexts: BrowserContext[], body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const shots = await screenshotAll(label, contexts);
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nscreenshots: ${shots.join(', ')}`, { cause: err });
  }
}

/** Collects console errors and failed requests so a test can assert a clean run (CSP violations fail the test anyway). */
export function watchPage(page: Page): { errors: string[] } {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { errors };
}

export const CLIENT_DIR = path.resolve(import.meta.dirname, '../../dist/client');

/** e2e tests serve the production build; say how to get one instead of failing obscurely. */
export function requireBuiltClient(): void {
  if (!fs.existsSync(path.join(CLIENT_DIR, 'index.html'))) throw new Error('dist/client is missing: run `npm run build` first (npm test does).');
}

/** A port nothing listens on now, so a restarted server can come back on the same address. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as import('node:net').AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Opens a room link, answers the name prompt, and waits for the canvas. */
export async function joinRoom(page: Page, url: string, name: string): Promise<Page> {
  await page.goto(url);
  await page.getByTestId('name-input').fill(name);
  await page.getByTestId('name-submit').click();
  await page.locator('[data-testid="canvas"] canvas.interactive').waitFor({ timeout: 30_000 });
  return page;
}

/**
 * Draws a 120×80 rectangle with Excalidraw's own tool, starting (x, y) into the canvas. Start at
 * x ≥ 330: the properties panel covers the canvas's left edge once a tool is picked. Without a
 * toolbar (view mode) it presses R instead, which must then draw nothing.
 */
export async function drawRectangle(page: Page, x: number, y: number): Promise<void> {
  const canvas = page.locator('[data-testid="canvas"] canvas.interactive');
  const box = (await canvas.boundingBox())!;
  const tool = page.locator('[data-testid="toolbar-rectangle"]');
  if (await tool.isVisible()) await tool.click({ force: true }); // the radio sits under its icon
  else await page.keyboard.press('r');
  await page.mouse.move(box.x + x, box.y + y);
  await page.mouse.down();
  await page.mouse.move(box.x + x + 120, box.y + y + 80, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.press('Escape');
}

/** How many non-deleted elements the page's Excalidraw scene holds (Canvas keeps it in data-element-count). */
export async function elementCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('canvas').getAttribute('data-element-count'));
}

/**
 * One attn server (serving the built client) and one Chromium for the enclosing describe block,
 * started before its tests and closed after them. Read them as `suite.server` / `suite.browser`.
 * `config` changes the server's (a custom QUESTIONS_DIR bank: `{ questionsDir }`).
 */
export function browserAndServer(launchArgs: string[] = [], config: Partial<Config> = {}): { readonly server: AttnServer; readonly browser: Browser } {
  const suite = {} as { server: AttnServer; browser: Browser };
  beforeAll(async () => {
    requireBuiltClient();
    suite.server = await startAttn(testConfig({ ...config, host: '127.0.0.1', clientDir: CLIENT_DIR }), { logSink: () => undefined });
    suite.browser = await launch(launchArgs);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/**
 * Replaces the pad's text with `code`, exactly (insertText bypasses auto-indent and bracket
 * closing). The run toolbar's ⋯ menu (opened by runControl) lies over the pad, and once the
 * backend probe has answered its info line reaches the point a click lands on: closed first.
 */
export async function setPad(page: Page, code: string): Promise<void> {
  if (await page.getByTestId('run-menu').isVisible()) await page.keyboard.press('Escape');
  await page.locator('[data-testid="pad"] .cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

/**
 * A run-toolbar control that may sit in the toolbar's ⋯ menu when the pad is narrow (the
 * timeout always does): opens the menu when the control is not already on screen.
 */
export async function runControl(page: Page, testId: string): Promise<import('playwright-core').Locator> {
  const control = page.getByTestId(testId);
  if (!(await control.isVisible())) {
    if (!(await page.getByTestId('run-menu').isVisible())) await page.getByTestId('run-more').click();
    await control.waitFor();
  }
  return control;
}
