/**
 * Nobody lost on the board, in real Chromium with real users: an interviewer inserts a template
 * on a cold page next to existing work (every label measured with the real font, nothing on top
 * of the drawing), the candidate gets "Ivy inserted a template — Show" and Show brings the
 * diagram into view; a late joiner lands looking at the content; Follow <name> from the presence
 * bar; the interviewer brings everyone to their view (and the candidate has no such button).
 * A stock y-websocket client (observer link) reads the doc and everyone's awareness.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { AwarenessState, StoredElement, ViewportBounds } from '../../shared/doc.js';
import { boardElements } from '../../shared/doc.js';
import { templates } from '../../questions/index.js';
import { connect, createRoom, waitSynced, type Client } from '../support/server.js';
import { browserAndServer, chromiumAvailable, drawRectangle, joinRoom, screenshotAll, watchPage } from '../support/browser.js';

const hasBrowser = chromiumAvailable();
const Q2 = 'long-sequence-transformer';
const q2 = templates.find((t) => t.id === Q2)!;

type Stored = StoredElement & { type: string; x: number; y: number; width: number; height: number; text?: string; fontSize?: number; fontFamily?: number; isDeleted: boolean };

const centreOf = (v: ViewportBounds) => ({ x: (v.minX + v.maxX) / 2, y: (v.minY + v.maxY) / 2 });
const contains = (v: ViewportBounds, p: { x: number; y: number }) => p.x >= v.minX && p.x <= v.maxX && p.y >= v.minY && p.y <= v.maxY;
const overlaps = (a: ViewportBounds, b: ViewportBounds) => a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;
function boundsOf(elements: readonly Stored[]): ViewportBounds {
  return {
    minX: Math.min(...elements.map((e) => e.x)),
    minY: Math.min(...elements.map((e) => e.y)),
    maxX: Math.max(...elements.map((e) => e.x + e.width)),
    maxY: Math.max(...elements.map((e) => e.y + e.height)),
  };
}

describe.skipIf(!hasBrowser)('board: insert placement, fonts, toast, fit on join, follow, bring everyone', () => {
  const suite = browserAndServer();
  const contexts: BrowserContext[] = [];
  const errors: string[][] = [];
  let probe: Client | undefined;
  afterAll(() => probe?.destroy());

  const join = async (url: string, name: string): Promise<Page> => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    errors.push(watchPage(page).errors);
    return joinRoom(page, url.replace('localhost', '127.0.0.1'), name);
  };
  const states = () => [...probe!.provider.awareness.getStates().entries()] as [number, AwarenessState][];
  const stateOf = (name: string) => states().find(([, s]) => s.user?.name === name)?.[1];
  const idOf = (name: string) => states().find(([, s]) => s.user?.name === name)?.[0];
  const elements = () => [...boardElements(probe!.doc).values()].filter((e) => !(e as Stored).isDeleted) as Stored[];
  const wheel = async (page: Page, dx: number, dy: number) => {
    const box = (await page.locator('[data-testid="canvas"] canvas.interactive').boundingBox())!;
    await page.mouse.move(box.x + 500, box.y + 300);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(dx, dy);
  };

  it('works for two and three real users', async (ctx) => {
    try {
      const room = await createRoom(suite.server.url, 'Board e2e');
      const setQuestion = await fetch(`${suite.server.url}/api/rooms/${room.room.id}/session/current`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${room.links.interviewer.token}` },
        body: JSON.stringify({ questionId: 'q2' }),
      });
      expect(setQuestion.status).toBe(200);
      probe = connect(suite.server.url, room.room.id, 'board', room.links.observer.token);
      await waitSynced(probe);

      // Each context is a fresh profile: a cold page, no font in any cache.
      const iv = await join(room.links.interviewer.url, 'Ivy');
      const cand = await join(room.links.candidate.url, 'Cleo');
      await expect.poll(() => idOf('Cleo') !== undefined && idOf('Ivy') !== undefined, { timeout: 10_000 }).toBe(true);

      // --- existing work in the middle of the interviewer's view
      await drawRectangle(iv, 560, 300);
      await expect.poll(() => elements().length, { timeout: 10_000 }).toBe(1);
      const drawing = boundsOf(elements());
      const drawingId = elements()[0]!.id;

      // --- insert the template: it goes beside the drawing, not on it
      await iv.getByTestId('diagram-menu-button').click();
      await iv.getByTestId(`diagram-insert-${Q2}`).click();
      await expect.poll(() => elements().length, { timeout: 15_000 }).toBeGreaterThan(q2.elements.length);
      const inserted = elements().filter((e) => e.id !== drawingId);
      for (const e of inserted) expect(overlaps(boundsOf([e]), drawing), `${e.type} ${e.id}`).toBe(false);
      const insertedBounds = boundsOf(inserted);

      // --- every label was measured with the real font: its width matches a re-measure now
      const texts = inserted.filter((e) => e.type === 'text');
      expect(texts.length).toBeGreaterThan(5);
      const remeasured = await iv.evaluate(async (items) => {
        const names: Record<number, string> = { 1: 'Virgil', 2: 'Helvetica', 3: 'Cascadia', 5: 'Excalifont', 6: 'Nunito', 7: 'Lilita One', 8: 'Comic Shanns', 9: 'Liberation Sans' };
        const context = document.createElement('canvas').getContext('2d')!;
        const out: number[] = [];
        for (const t of items) {
          const font = `${t.fontSize}px ${names[t.fontFamily] ?? 'Excalifont'}, Xiaolai, Segoe UI Emoji`;
          await document.fonts.load(font, t.text);
          context.font = font;
          out.push(Math.max(...t.text.split('\n').map((line) => context.measureText(line).width)));
        }
        return out;
      }, texts.map((t) => ({ text: t.text ?? '', fontSize: t.fontSize ?? 20, fontFamily: t.fontFamily ?? 5 })));
      texts.forEach((t, i) => {
        // A clipped label is narrower than its text ("[nput tokens"); allow sub-pixel rounding.
        expect(t.width, t.text).toBeGreaterThanOrEqual(remeasured[i]! - 1);
        expect(t.width, t.text).toBeLessThanOrEqual(remeasured[i]! + 4);
      });

      // --- the candidate is told, and Show brings the diagram into view
      await cand.getByTestId('board-toast').waitFor({ timeout: 10_000 });
      expect(await cand.getByTestId('board-toast-text').textContent()).toBe('Ivy inserted a template');
      await cand.getByTestId('board-toast-show').click();
      await expect.poll(() => cand.getByTestId('board-toast').count()).toBe(0);
      await expect.poll(() => contains(stateOf('Cleo')!.viewport!, centreOf(insertedBounds)), { timeout: 10_000 }).toBe(true);
      // and the interviewer gets no toast for their own insert
      expect(await iv.getByTestId('board-toast').count()).toBe(0);

      // --- a late joiner lands looking at the content, not at an empty area
      const late = await join(room.links.candidate.url, 'Lena');
      await expect.poll(() => stateOf('Lena')?.viewport !== undefined, { timeout: 15_000 }).toBe(true);
      const all = boundsOf(elements());
      await expect.poll(() => overlaps(stateOf('Lena')!.viewport!, all) && contains(stateOf('Lena')!.viewport!, centreOf(insertedBounds)), { timeout: 10_000 }).toBe(true);

      // --- Follow <name> from the presence bar
      const followIvy = cand.locator('[data-testid="follow-user"][data-name="Ivy"]');
      expect(await followIvy.textContent()).toBe('Follow Ivy');
      await followIvy.click();
      await expect.poll(() => stateOf('Cleo')?.following, { timeout: 10_000 }).toBe(idOf('Ivy'));
      expect(await followIvy.getAttribute('aria-pressed')).toBe('true');
      await wheel(iv, 0, 600);
      const distance = (a: string, b: string) => {
        const va = stateOf(a)?.viewport;
        const vb = stateOf(b)?.viewport;
        if (!va || !vb) return Infinity;
        return Math.hypot(centreOf(va).x - centreOf(vb).x, centreOf(va).y - centreOf(vb).y);
      };
      await expect.poll(() => distance('Cleo', 'Ivy'), { timeout: 10_000 }).toBeLessThan(50);
      await followIvy.click();
      await expect.poll(() => stateOf('Cleo')?.following ?? null, { timeout: 10_000 }).toBeNull();

      // --- bring everyone to my view: the interviewer only
      expect(await cand.getByTestId('summon-everyone').count()).toBe(0);
      await wheel(iv, 900, 900);
      await expect.poll(() => distance('Lena', 'Ivy'), { timeout: 10_000 }).toBeGreaterThan(500);
      await iv.getByTestId('summon-everyone').click();
      await expect.poll(() => Math.max(distance('Lena', 'Ivy'), distance('Cleo', 'Ivy')), { timeout: 10_000 }).toBeLessThan(50);
      await late.getByTestId('board-toast').waitFor({ timeout: 10_000 });
      expect(await late.getByTestId('board-toast-text').textContent()).toBe('Ivy brought everyone to their view');

      for (const list of errors) expect(list).toEqual([]);
    } catch (err) {
      const shots = await screenshotAll(ctx.task.name, contexts);
      throw new Error(`${(err as Error).message}\nscreenshots: ${shots.join(', ')}`, { cause: err });
    }
  }, 150_000);
});
