/**
 * A custom QUESTIONS_DIR bank's diagram in real Chromium: the Diagram menu lists the bank's own
 * template (served by GET /diagrams, not bundled), offers it as the current question's, and
 * inserting it puts its labels in the board doc that everyone syncs. One server on the
 * tests/fixtures/questions-valid bank and one browser for the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { templates as builtIn } from '../../questions/index.js';
import { boardElements } from '../../shared/doc.js';
import { browserAndServer, chromiumAvailable, CLIENT_DIR, elementCount, joinRoom, screenshotAll, watchPage } from '../support/browser.js';
import { connect, createRoom, waitSynced, type Client } from '../support/server.js';

const hasBrowser = chromiumAvailable();
const FIXTURE = path.resolve(import.meta.dirname, '..', 'fixtures', 'questions-valid');
const ALPHA = 'alpha-diagram';

describe.skipIf(!hasBrowser)('diagrams from a custom question bank', () => {
  const suite = browserAndServer([], { questionsDir: FIXTURE });
  const contexts: BrowserContext[] = [];
  const clients: Client[] = [];
  const problems: string[][] = [];

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotAll(`diagrams-custom-bank-${ctx.task.name}`, contexts);
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
    for (const c of clients.splice(0)) c.destroy();
  });

  const join = async (url: string, name: string): Promise<Page> => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    problems.push(watchPage(page).errors);
    return joinRoom(page, url, name);
  };

  it("lists the bank's own template, offers it for the current question, and inserts its labels into the board doc", async () => {
    const { room, links } = await createRoom(suite.server.url, 'Custom bank diagrams');
    const asked = await fetch(`${suite.server.url}/api/rooms/${room.id}/session/current`, {
      method: 'POST',
      headers: { authorization: `Bearer ${links.interviewer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ questionId: 'alpha' }),
    });
    expect(asked.status).toBe(200);
    // A plain Yjs client on the board doc: what every browser in the room syncs.
    const probe = connect(suite.server.url, room.id, 'board', links.interviewer.token);
    clients.push(probe);
    await waitSynced(probe);
    const labels = () =>
      [...boardElements(probe.doc).values()]
        .map((e) => e as { type?: string; text?: string; isDeleted?: boolean })
        .filter((e) => e.type === 'text' && !e.isDeleted)
        .map((e) => e.text ?? '')
        .sort();

    const iv = await join(links.interviewer.url, 'Ivy');
    // The current question's diagram is the custom one: the empty board offers it by its title.
    await iv.getByTestId('empty-board-hint').waitFor({ timeout: 15_000 });
    expect(await iv.getByTestId('empty-board-hint').textContent()).toContain('Alpha: one attention block');

    await iv.getByTestId('diagram-menu-button').click();
    await iv.getByTestId('diagram-menu').waitFor();
    const item = iv.getByTestId(`diagram-insert-${ALPHA}`);
    await item.waitFor();
    // The bank replaces the built-in templates: only its own is listed, marked as the current question's.
    const listed = await iv.locator('[data-testid^="diagram-insert-"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')));
    expect(listed).toEqual([`diagram-insert-${ALPHA}`]);
    expect(listed).not.toContain(`diagram-insert-${builtIn[0]!.id}`);
    expect(await item.textContent()).toContain('current question');
    await item.click();

    // Two labelled rectangles and an arrow: the labels are text elements bound to their boxes.
    await expect.poll(() => elementCount(iv)).toBe(5);
    await expect.poll(labels, { timeout: 15_000 }).toEqual(['Alpha attention', 'Alpha queries Q']);
    expect(await iv.getByTestId('empty-board-hint').count()).toBe(0);

    // The candidate's browser gets the same list from the same route (disabled until allowed).
    const cand = await join(links.candidate.url, 'Cleo');
    await expect.poll(() => elementCount(cand), { timeout: 15_000 }).toBe(5);
    await cand.getByTestId('diagram-menu-button').click();
    await cand.getByTestId(`diagram-insert-${ALPHA}`).waitFor();
    expect(await cand.getByTestId(`diagram-insert-${ALPHA}`).isDisabled()).toBe(true);

    expect(problems.flat().filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('ships no built-in template in the client: the route is the one source for every bank', () => {
    const assets = path.join(CLIENT_DIR, 'assets');
    const scripts = fs.readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const bundled = builtIn.map((t) => t.id).filter((id) => scripts.some((f) => fs.readFileSync(path.join(assets, f), 'utf8').includes(id)));
    expect(bundled).toEqual([]);
  });
});
