/**
 * The pad must never be corrupted by a remote caret: two real browsers, the candidate's caret
 * sits in a line, the interviewer types right next to it through IME-style input (CDP
 * `Input.insertText` and a composition), and a stock y-websocket client reads the shared text.
 * It must hold exactly what was typed: no name, no U+2060 from the caret's label.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { boardCode } from '../../shared/doc.js';
import { connect, createRoom, waitSynced, type Client } from '../support/server.js';
import { browserAndServer, chromiumAvailable, joinRoom, withScreenshots, watchPage } from '../support/browser.js';

const hasBrowser = chromiumAvailable();

describe.skipIf(!hasBrowser)('pad remote carets', () => {
  const suite = browserAndServer();
  const contexts: BrowserContext[] = [];
  let probe: Client | undefined;
  afterAll(() => probe?.destroy());

  const join = async (url: string, name: string): Promise<Page> => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    return joinRoom(await ctx.newPage(), url, name);
  };

  it('keeps IME and insertText input next to a remote caret out of the label', async (ctx) => {
    await withScreenshots(ctx.task.name, contexts, async () => {
      const room = await createRoom(suite.server.url, 'Carets');
      probe = connect(suite.server.url, room.room.id, 'board', room.links.observer.token);
      await waitSynced(probe);
      const code = () => boardCode(probe!.doc).toString();

      const iv = await join(room.links.interviewer.url.replace('localhost', '127.0.0.1'), 'Ines Interviewer');
      const cand = await join(room.links.candidate.url.replace('localhost', '127.0.0.1'), 'Cory Candidate');
      const ivErrors = watchPage(iv).errors;

      // The candidate writes a line and leaves the caret before the semicolon.
      const typed = 'let total = 40;';
      await cand.locator('[data-testid="pad"] .cm-content').click();
      await cand.keyboard.type(typed);
      await cand.keyboard.press('ArrowLeft');
      await expect.poll(code, { timeout: 10_000 }).toBe(typed);

      // The interviewer sees the caret, named by CSS: the name is no text node in the editor.
      const label = iv.locator('[data-testid="pad"] .cm-ySelectionInfo[data-name="Cory Candidate"]');
      await label.waitFor({ timeout: 10_000 });
      const labelText = await label.evaluate((el) => getComputedStyle(el, '::after').content);
      expect(labelText).toBe('"Cory Candidate"');
      expect(await iv.locator('[data-testid="pad"] .cm-content').textContent()).toBe(typed);

      // The interviewer's cursor goes exactly where the candidate's caret is (before ';').
      await iv.locator('[data-testid="pad"] .cm-content').click();
      await iv.keyboard.press('ControlOrMeta+End');
      await iv.keyboard.press('ArrowLeft');
      const cdp = await iv.context().newCDPSession(iv);

      // 1. Input.insertText, the IME commit path.
      await cdp.send('Input.insertText', { text: ' + 2' });
      let expected = 'let total = 40 + 2;';
      await expect.poll(code, { timeout: 10_000 }).toBe(expected);

      // 2. A full composition (as a Japanese/Chinese IME drives it), then its commit.
      await cdp.send('Input.imeSetComposition', { text: 'ｘ', selectionStart: 1, selectionEnd: 1 });
      await cdp.send('Input.imeSetComposition', { text: 'ｘｙ', selectionStart: 2, selectionEnd: 2 });
      await cdp.send('Input.insertText', { text: 'xy' });
      expected = 'let total = 40 + 2xy;';
      await expect.poll(code, { timeout: 10_000 }).toBe(expected);

      // 3. The candidate's caret moves to where the interviewer types, then more input lands
      // on the same spot from both sides of the caret widget. The candidate's editor must hold
      // "xy" first, or its caret lands before it (measured: a race under load).
      await expect.poll(() => cand.locator('[data-testid="pad"] .cm-content').textContent(), { timeout: 10_000 }).toBe(expected);
      await cand.keyboard.press('ControlOrMeta+End');
      await cand.keyboard.press('ArrowLeft');
      await expect.poll(() => label.count(), { timeout: 10_000 }).toBe(1);
      await cdp.send('Input.insertText', { text: '!' });
      await cand.keyboard.type('?');
      // Two inserts at one position: which comes first is up to each side's cursor mapping.
      await expect.poll(code, { timeout: 10_000 }).toMatch(/^let total = 40 \+ 2xy(!\?|\?!);$/);
      expected = code();

      // Both editors agree with the doc, and nothing from the label leaked anywhere.
      for (const page of [iv, cand]) {
        await expect.poll(() => page.locator('[data-testid="pad"] .cm-content').textContent(), { timeout: 10_000 }).toBe(expected);
      }
      expect(code()).not.toMatch(/Cory|Ines|\u2060/);
      expect(ivErrors).toEqual([]);
    });
  }, 90_000);
});
