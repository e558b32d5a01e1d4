/**
 * Images and fonts: an image inserted by one user reaches the other through attn's file store
 * (not the doc) and survives a restart; Excalidraw's fonts come from attn; nothing is fetched
 * from any other host (attn must work on a network with no internet).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAttn, type AttnServer } from '../../server/app.js';
import { createRoom, testConfig } from '../support/server.js';
import { chromiumAvailable, CLIENT_DIR, elementCount, freePort, joinRoom, launch, requireBuiltClient, withScreenshots } from '../support/browser.js';

const IMAGE = path.resolve(import.meta.dirname, '../fixtures/gradient-64.png');
const hasBrowser = chromiumAvailable();


describe.skipIf(!hasBrowser)('images and fonts', () => {
  let browser: Browser;
  let server: AttnServer;
  let port: number;
  let dataDir: string;
  const contexts: BrowserContext[] = [];
  const requests: Array<{ who: string; url: string }> = [];
  const responses: Array<{ who: string; url: string; status: number; method: string }> = [];

  const boot = async () => {
    server = await startAttn(testConfig({ port, dataDir, clientDir: CLIENT_DIR }), { logSink: () => undefined });
  };
  const join = async (url: string, who: string): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    // Excalidraw prefers the File System Access picker, which headless Chromium can't drive;
    // without it, Excalidraw falls back to an <input type=file> that Playwright can fill.
    await page.addInitScript(() => {
      delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;
    });
    page.on('request', (r) => requests.push({ who, url: r.url() }));
    page.on('response', (r) => responses.push({ who, url: r.url(), status: r.status(), method: r.request().method() }));
    return joinRoom(page, url.replace('localhost', '127.0.0.1'), who);
  };

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

  it('an image goes through the file store to the other user and survives a restart; no external requests', async (ctx) => {
    await withScreenshots(ctx.task.name, contexts, async () => {
      const room = await createRoom(`http://127.0.0.1:${port}`, 'Assets');
      const iv = await join(room.links.interviewer.url, 'Ines');
      const cand = await join(room.links.candidate.url, 'Cam');

      // text, so Excalidraw loads its hand-drawn font
      const box = (await iv.locator('[data-testid="canvas"] canvas.interactive').boundingBox())!;
      await iv.locator('[data-testid="toolbar-text"]').click({ force: true });
      await iv.mouse.click(box.x + 350, box.y + 450);
      await iv.keyboard.type('softmax(QK^T / sqrt(d_k)) V');
      await iv.keyboard.press('Escape');
      await expect.poll(() => elementCount(cand), { timeout: 10_000 }).toBe(1);

      // an image through Excalidraw's own image tool
      const [chooser] = await Promise.all([iv.waitForEvent('filechooser'), iv.locator('[data-testid="toolbar-image"]').click({ force: true })]);
      await chooser.setFiles(IMAGE);
      // Excalidraw adds the image to the scene as a pending element once it has read the file; a
      // click before that places nothing (the element then waits for a click, unplaced and not
      // uploaded). On a loaded CI machine the click once came first, so wait for the element.
      await expect.poll(() => elementCount(iv), { timeout: 15_000 }).toBe(2);
      await iv.mouse.click(box.x + 400, box.y + 250);
      await expect.poll(() => elementCount(cand), { timeout: 15_000 }).toBe(2);
      const fileUrl = new RegExp(`/api/rooms/${room.room.id}/files/[A-Za-z0-9_-]+$`);
      // Excalidraw resizes and re-encodes the picture before it hands the file over, which took
      // over 10 s once on a loaded CI machine: wait for the upload itself, then check its status,
      // so a refused upload fails with the server's status rather than a timeout.
      const fileCalls = (who: string, method: string) => responses.filter((r) => r.who === who && r.method === method && fileUrl.test(r.url));
      const diagnose = async () =>
        `file calls: ${JSON.stringify(responses.filter((r) => fileUrl.test(r.url)))}; ` +
        `board messages: ${JSON.stringify(await iv.locator('.Toast, .ErrorDialog, [role="alert"]').allInnerTexts())}`;
      await expect.poll(() => fileCalls('Ines', 'PUT').length, { timeout: 30_000, message: 'the upload never happened' }).toBeGreaterThan(0);
      expect(fileCalls('Ines', 'PUT').map((r) => r.status), await diagnose()).toEqual([201]);
      await expect.poll(() => fileCalls('Cam', 'GET').length, { timeout: 30_000, message: 'the candidate never fetched the image' }).toBeGreaterThan(0);
      expect(fileCalls('Cam', 'GET').map((r) => r.status), await diagnose()).toEqual([200]);
      const stored = responses.find((r) => r.who === 'Ines' && r.method === 'PUT' && fileUrl.test(r.url))!;
      const fileId = stored.url.split('/').pop()!;
      // Excalidraw re-encodes the picture before it reaches us, so compare with what was served
      const file = (await server.store.getFile(room.room.id, fileId))!;
      expect(file.mimeType).toBe('image/png');
      expect([...file.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
      const served = await fetch(`http://127.0.0.1:${port}/api/rooms/${room.room.id}/files/${fileId}`, {
        headers: { authorization: `Bearer ${room.links.candidate.token}` },
      });
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(file.bytes);

      // restart, and a fresh browser gets both elements and the image bytes
      await server.close();
      await boot();
      const later = await join(room.links.observer.url, 'Olu');
      await expect.poll(() => elementCount(later), { timeout: 15_000 }).toBe(2);
      await expect
        .poll(() => responses.some((r) => r.who === 'Olu' && r.method === 'GET' && r.url.endsWith(`/files/${fileId}`) && r.status === 200), { timeout: 15_000 })
        .toBe(true);

      // fonts came from us, and nothing went anywhere else
      expect(responses.some((r) => /\/excalidraw-assets\/fonts\/.+\.woff2$/.test(r.url) && r.status === 200)).toBe(true);
      const foreign = requests.filter((r) => {
        const u = new URL(r.url);
        return !['127.0.0.1', 'localhost'].includes(u.hostname) && !['blob:', 'data:'].includes(u.protocol);
      });
      expect(foreign).toEqual([]);
    });
  });
});
