/**
 * What collaborators see of each other: canvas pointers (and the laser), named cursors in the pad,
 * and Excalidraw's follow mode. A stock y-websocket client (an observer link) watches awareness
 * alongside the two browsers, so the test checks what went over the wire as well as the DOM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AwarenessState } from '../../shared/doc.js';
import { startAttn, type AttnServer } from '../../server/app.js';
import { connect, createRoom, testConfig, waitSynced, type Client } from '../support/server.js';
import { CLIENT_DIR, chromiumAvailable, joinRoom, launch, requireBuiltClient, withScreenshots } from '../support/browser.js';

const hasBrowser = chromiumAvailable();

describe.skipIf(!hasBrowser)('presence between real browsers', () => {
  let browser: Browser;
  let server: AttnServer;
  let probe: Client;
  const contexts: BrowserContext[] = [];

  const join = async (url: string, name: string): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    return joinRoom(page, url, name);
  };
  const stateOf = (name: string): AwarenessState | undefined =>
    [...probe.provider.awareness.getStates().values()].find((s) => (s as AwarenessState).user?.name === name) as AwarenessState | undefined;
  const clientIdOf = (name: string): number | undefined =>
    [...probe.provider.awareness.getStates().entries()].find(([, s]) => (s as AwarenessState).user?.name === name)?.[0];

  beforeAll(async () => {
    requireBuiltClient();
    server = await startAttn(testConfig({ clientDir: CLIENT_DIR }), { logSink: () => undefined });
    browser = await launch();
  });
  afterAll(async () => {
    probe?.destroy();
    await browser?.close();
    await server?.close();
  });

  it('shows pointers, the laser, named pad cursors and follow mode', async (ctx) => {
    await withScreenshots(ctx.task.name, contexts, async () => {
      const room = await createRoom(server.url, 'Presence');
      probe = connect(server.url, room.room.id, 'board', room.links.observer.token);
      await waitSynced(probe);
      const iv = await join(room.links.interviewer.url.replace('localhost', '127.0.0.1'), 'Ines');
      const cand = await join(room.links.candidate.url.replace('localhost', '127.0.0.1'), 'Cam');
      const canvasBox = (await cand.locator('[data-testid="canvas"] canvas.interactive').boundingBox())!;

      // --- pointer: the candidate's mouse on the canvas reaches everyone's awareness
      await cand.mouse.move(canvasBox.x + 400, canvasBox.y + 300);
      await cand.mouse.move(canvasBox.x + 450, canvasBox.y + 330, { steps: 4 });
      await expect.poll(() => stateOf('Cam')?.pointer?.tool, { timeout: 10_000 }).toBe('pointer');
      const p = stateOf('Cam')!.pointer!;
      expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
      // and Excalidraw on the interviewer's side lists the candidate as a collaborator
      await iv.locator('.UserList__more, .UserList__collaborator').first().click();
      await expect.poll(() => iv.locator('.UserList__collaborator-name').allTextContents(), { timeout: 10_000 }).toContain('Cam');

      // --- follow mode: the interviewer follows the candidate, then the candidate pans
      await iv.locator('.UserList__collaborator', { hasText: 'Cam' }).click();
      await expect.poll(() => stateOf('Ines')?.following, { timeout: 10_000 }).toBe(clientIdOf('Cam'));
      await expect.poll(() => iv.locator('.follow-mode__badge__username').textContent(), { timeout: 10_000 }).toContain('Cam');
      const before = stateOf('Cam')!.viewport!;
      await cand.mouse.move(canvasBox.x + 400, canvasBox.y + 300);
      for (let i = 0; i < 6; i++) await cand.mouse.wheel(0, 400);
      await expect.poll(() => stateOf('Cam')?.viewport?.minY ?? before.minY, { timeout: 10_000 }).toBeGreaterThan(before.minY + 500);
      const target = stateOf('Cam')!.viewport!;
      const centre = (v: { minX: number; maxX: number; minY: number; maxY: number }) => [(v.minX + v.maxX) / 2, (v.minY + v.maxY) / 2];
      await expect
        .poll(
          () => {
            const mine = stateOf('Ines')?.viewport;
            if (!mine) return Infinity;
            const [ax, ay] = centre(mine);
            const [bx, by] = centre(stateOf('Cam')!.viewport!);
            return Math.hypot(ax! - bx!, ay! - by!);
          },
          { timeout: 10_000 },
        )
        .toBeLessThan(Math.max(50, (target.maxY - target.minY) * 0.1));

      // --- laser: K selects Excalidraw's laser pointer; a drag is a laser stroke for everyone
      await cand.locator('[data-testid="canvas"] canvas.interactive').click({ position: { x: 600, y: 500 } }); // focus, empty spot
      await cand.keyboard.press('k');
      await cand.mouse.move(canvasBox.x + 500, canvasBox.y + 400);
      await cand.mouse.down();
      await cand.mouse.move(canvasBox.x + 560, canvasBox.y + 430, { steps: 6 });
      await expect.poll(() => `${stateOf('Cam')?.pointer?.tool}/${stateOf('Cam')?.pointer?.button}`, { timeout: 10_000 }).toBe('laser/down');
      await cand.mouse.up();
      await expect.poll(() => stateOf('Cam')?.pointer?.button, { timeout: 10_000 }).toBe('up');

      // --- pad: the candidate types; the interviewer sees a caret labelled with the candidate's name
      await cand.locator('[data-testid="pad"] .cm-content').click();
      await cand.keyboard.type('scores = q @ k.T');
      await cand.keyboard.press('Shift+Home');
      // The name is an attribute shown by CSS, never text in the editor (see client/pad/remoteCarets.ts).
      await expect
        .poll(() => iv.locator('[data-testid="pad"] .cm-ySelectionInfo').evaluateAll((els) => els.map((el) => el.getAttribute('data-name'))), { timeout: 10_000 })
        .toContain('Cam');
      await expect.poll(() => iv.locator('[data-testid="pad"] .cm-ySelection').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    });
  });
});
