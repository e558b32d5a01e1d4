/**
 * Playback in real Chromium: a candidate draws A, pauses, draws B; the interviewer opens Replay
 * from the room. Before B the replayed board shows A alone, after it both; playing at 16x moves
 * the playhead; joins and the question change are on the timeline, and who took part is listed
 * (name, role, colour, join time) without hovering; the session exports to one
 * file that a fresh browser replays with no server round trip; a candidate gets the 403 screen.
 * `?`, the canvas menu's Help and the toolbar open the replay's shortcuts, never Excalidraw's
 * help, and the question marker names who set the question.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAttn, type AttnServer } from '../../server/app.js';
import type { CreateRoomResponse } from '../../shared/api.js';
import { boardRuns, noteKey, panelNotes, panelRaters, panelScores, scoreKey } from '../../shared/doc.js';
import { connect, createRoom, eventually, testConfig, waitSynced, type Client } from '../support/server.js';
import { chromiumAvailable, CLIENT_DIR, drawRectangle, elementCount, freePort, joinRoom, launch, requireBuiltClient, screenshotAll, watchPage } from '../support/browser.js';

const hasBrowser = chromiumAvailable();
const SHOTS_DIR = process.env.REPLAY_SHOTS_DIR ?? '/tmp/shots-replay';

describe.skipIf(!hasBrowser)('replay in real browsers', () => {
  let browser: Browser;
  let server: AttnServer;
  let base: string;
  const contexts: BrowserContext[] = [];
  const problems: string[][] = [];
  const clients: Client[] = [];

  const newContext = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
    contexts.push(ctx);
    return ctx;
  };
  const newUser = async (): Promise<Page> => {
    const page = await (await newContext()).newPage();
    problems.push(watchPage(page).errors);
    return page;
  };
  const shot = async (page: Page, name: string) => {
    fs.mkdirSync(SHOTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`) });
  };


  beforeAll(async () => {
    requireBuiltClient();
    const port = await freePort();
    server = await startAttn(testConfig({ port, clientDir: CLIENT_DIR }), { logSink: () => undefined });
    base = `http://127.0.0.1:${port}`;
    browser = await launch();
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await browser?.close();
    await server?.close();
  });

  it('replays the board at any instant, plays at 16x, shows joins, exports and reopens offline; a candidate gets 403', async (ctx) => {
    try {
      const room: CreateRoomResponse = await createRoom(base, 'Replay: sparse attention');
      const id = room.room.id;
      const interviewer = await joinRoom(await newUser(), room.links.interviewer.url, 'Ines');
      const candidate = await joinRoom(await newUser(), room.links.candidate.url, 'Cam');
      for (const page of [interviewer, candidate]) {
        await expect.poll(() => page.getByTestId('connection-state').textContent(), { timeout: 15_000 }).toBe('connected');
      }
      // Ines's name reaches the server with her awareness, which it relays on: once Cam sees her,
      // the question change below is recorded as hers.
      await expect.poll(() => candidate.getByTestId('presence').textContent(), { timeout: 15_000 }).toContain('Ines');
      const asked = await fetch(`${base}/api/rooms/${id}/session/current`, {
        method: 'POST',
        headers: { authorization: `Bearer ${room.links.interviewer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ questionId: 'q1' }),
      });
      expect(asked.status).toBe(200);

      // --- A, a pause, B
      await drawRectangle(candidate, 360, 160);
      await expect.poll(() => elementCount(interviewer), { timeout: 10_000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 400));
      const between = Date.now();
      await new Promise((r) => setTimeout(r, 1100));
      await drawRectangle(candidate, 560, 300);
      await expect.poll(() => elementCount(interviewer), { timeout: 10_000 }).toBe(2);

      // --- the rest of an interview: typing, a run, a score with a note, a candidate signal
      await candidate.locator('[data-testid="pad"] .cm-content').click();
      await candidate.keyboard.type('const q = tf.randomNormal([4, 8]);');
      const panel = connect(base, id, 'panel', room.links.interviewer.token, { name: 'Ines' });
      const runner = connect(base, id, 'board', room.links.candidate.token, { name: 'Cam' });
      clients.push(panel, runner);
      await Promise.all([waitSynced(panel), waitSynced(runner)]);
      const panelBefore = (await server.store.updateLogStats(id, 'panel')).updates;
      panelRaters(panel.doc).set('rater-e2e', { name: 'Ines', joinedAt: Date.now() });
      panelScores(panel.doc).set(scoreKey('rater-e2e', 'q1', 'math-understanding'), 4);
      panelNotes(panel.doc).set(noteKey('rater-e2e', 'q1'), 'Derived the 1/sqrt(d) scaling unprompted.');
      const now = Date.now();
      boardRuns(runner.doc).push([
        {
          id: 'run-e2e',
          kind: 'run',
          status: 'ok',
          requestedBy: { name: 'Cam', role: 'candidate', clientId: 1 },
          backendRequested: 'auto',
          backend: 'cpu',
          createdAt: now,
          durationMs: 42,
          timeoutMs: 10_000,
          value: 'Tensor [4, 8] float32',
        },
      ]);
      const pasted = await fetch(`${base}/api/rooms/${id}/signals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${room.links.candidate.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'paste', chars: 640 }),
      });
      expect(pasted.status).toBe(202);
      await eventually(async () => expect((await server.store.updateLogStats(id, 'panel')).updates).toBeGreaterThanOrEqual(panelBefore + 4), 10_000);
      await expect.poll(() => interviewer.locator('[data-testid="pad"] .cm-content').innerText(), { timeout: 10_000 }).toContain('randomNormal');
      await interviewer.getByTestId('open-replay').waitFor();
      await shot(interviewer, 'room-with-replay-button');

      // --- a candidate may not replay: the page says so, and the API refuses
      const candidateReplay = await candidate.context().newPage();
      await candidateReplay.goto(`${base}/replay/${id}#token=${room.links.candidate.token}`);
      await candidateReplay.getByTestId('replay-forbidden').waitFor({ timeout: 15_000 });
      await expect.poll(() => candidateReplay.getByTestId('replay-forbidden').textContent()).toMatch(/Only interviewers and observers/);
      await shot(candidateReplay, 'replay-candidate-403');
      for (const doc of ['board', 'panel']) {
        const res = await fetch(`${base}/api/rooms/${id}/history?doc=${doc}`, { headers: { authorization: `Bearer ${room.links.candidate.token}` } });
        expect(res.status).toBe(403);
      }
      await candidateReplay.close();

      // --- the interviewer opens Replay from the top bar, in a new tab, token carried in the fragment
      const [replay] = await Promise.all([interviewer.context().waitForEvent('page'), interviewer.getByTestId('open-replay').click()]);
      problems.push(watchPage(replay).errors);
      await replay.getByTestId('replay').waitFor({ timeout: 30_000 });
      await replay.locator('[data-testid="canvas"] canvas.interactive').waitFor({ timeout: 30_000 });
      expect(replay.url()).not.toContain('token=');
      const root = replay.getByTestId('replay');
      const start = Number(await root.getAttribute('data-start-ms'));
      const end = Number(await root.getAttribute('data-end-ms'));
      expect(end - start).toBeGreaterThan(1500);

      // --- the replay's own shortcuts: `?` over the canvas, Excalidraw's menu's Help and the toolbar's
      // `?` open them; Excalidraw's help (with its links out to excalidraw.com) never does
      const playheadBefore = await root.getAttribute('data-playhead-ms');
      const expectReplayHelp = async (via: string) => {
        const dialog = replay.getByTestId('shortcuts-dialog');
        await dialog.waitFor({ state: 'visible' });
        expect(await replay.getByTestId('shortcuts-replay').innerText(), via).toMatch(/Play, pause\s+Space/);
        expect(await replay.getByTestId('shortcuts-canvas').innerText(), via).not.toMatch(/Rectangle/);
        expect(await replay.locator('.HelpDialog').count(), via).toBe(0);
        expect(await replay.locator('a[href*="excalidraw.com"]').count(), via).toBe(0);
        if (via === '?') await shot(replay, 'replay-shortcuts');
        // the recording's keys stay asleep while the list is up, wherever its focus is
        await dialog.getByRole('heading', { name: 'Keyboard shortcuts' }).click();
        await replay.keyboard.press(' ');
        await replay.keyboard.press('ArrowRight');
        await replay.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden' });
      };
      const canvasBox = (await replay.locator('[data-testid="canvas"] canvas.interactive').boundingBox())!;
      await replay.mouse.click(canvasBox.x + canvasBox.width / 2, canvasBox.y + canvasBox.height / 2);
      await replay.keyboard.press('?');
      await expectReplayHelp('?');
      // View mode has no footer (so no help icon); its main menu still offers Help.
      await replay.locator('[data-testid="canvas"] [data-testid="main-menu-trigger"]').click();
      await replay.getByTestId('help-menu-item').click();
      await expectReplayHelp('main menu');
      await replay.getByTestId('open-shortcuts').click();
      await expectReplayHelp('toolbar');
      // none of it played or moved the recording
      expect(await root.getAttribute('data-playhead-ms')).toBe(playheadBefore);
      expect(await replay.getByTestId('replay-play').getAttribute('aria-pressed')).toBe('false');

      // who took part is on screen before any hover: name, role, colour, when they joined
      expect(await replay.getByTestId('replay-tooltip').count()).toBe(0);
      const people = replay.getByTestId('replay-person');
      await expect.poll(() => people.count()).toBe(2);
      for (const [name, role] of [['Ines', 'Interviewer'], ['Cam', 'Candidate']] as const) {
        const row = people.filter({ has: replay.getByTestId('replay-person-name').getByText(name, { exact: true }) });
        expect(await row.isVisible(), name).toBe(true);
        expect(await row.innerText()).toContain(role);
        expect(await row.getByTestId('replay-person-times').innerText()).toMatch(/joined \d\d:\d\d/);
        expect(await row.locator('.replay-swatch').evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
      }
      // and every run marker says who ran it
      expect(await replay.locator('[data-testid="replay-marker"][data-kind="run"]').first().getAttribute('aria-label')).toMatch(/Cam ran the pad: ok on cpu/);

      // markers: both joins, the question change; hovering says what happened
      const joins = replay.locator('[data-testid="replay-marker"][data-kind="join"]');
      await expect.poll(() => joins.count()).toBeGreaterThanOrEqual(2);
      expect(await replay.locator('[data-testid="replay-marker"][data-kind="question"]').count()).toBe(1);
      for (const kind of ['run', 'score', 'signal']) {
        expect(await replay.locator(`[data-testid="replay-marker"][data-kind="${kind}"]`).count(), kind).toBeGreaterThanOrEqual(1);
      }
      await joins.first().hover();
      await expect.poll(() => replay.getByTestId('replay-tooltip').textContent()).toMatch(/(Ines|Cam) \((interviewer|candidate)\) joined/);

      // --- seek between A and B with a deep link: A only
      const offsetS = ((between - start) / 1000).toFixed(2);
      await replay.goto(`${base}/replay/${id}?t=${offsetS}`);
      await replay.locator('[data-testid="canvas"] canvas.interactive').waitFor({ timeout: 30_000 });
      await expect.poll(() => elementCount(replay), { timeout: 10_000 }).toBe(1);
      expect(await replay.getByTestId('replay-time').textContent()).toBe(formatMmSs(Math.round(Number(offsetS) * 1000)));
      await shot(replay, 'replay-between-a-and-b');

      // --- after B (End): both; the scrubber back to the start (Home): none
      await replay.locator('body').press('End');
      await expect.poll(() => elementCount(replay), { timeout: 10_000 }).toBe(2);
      await expect.poll(() => replay.locator('[data-testid="pad"] .cm-content').innerText()).toContain('tf.randomNormal([4, 8])');
      expect(await replay.getByTestId('replay-run').count()).toBe(1);
      expect(await replay.getByTestId('replay-note').textContent()).toContain('1/sqrt(d)');
      await shot(replay, 'replay-end');
      // the Diagram menu in a replay: check shapes and export of this instant, nothing that writes
      await replay.getByTestId('diagram-menu-button').click();
      await replay.getByTestId('diagram-menu').waitFor();
      expect(await replay.getByTestId('diagram-check-shapes').count()).toBe(1);
      expect(await replay.getByTestId('diagram-export').count()).toBe(1);
      expect(await replay.locator('[data-testid^="diagram-insert-"], [data-testid="diagram-mermaid"], [data-testid="diagram-math"]').count()).toBe(0);
      await replay.getByTestId('diagram-menu-button').click();
      await shot(replay, 'replay-diagram-menu');
      await replay.getByTestId('replay-scrubber').focus();
      await replay.keyboard.press('Home');
      await expect.poll(() => elementCount(replay), { timeout: 10_000 }).toBe(0);
      expect(await replay.getByTestId('replay-time').textContent()).toBe('00:00');

      // --- next event steps forward to a marker or the start of a burst of edits
      await replay.getByTestId('replay-next').click();
      const afterNext = Number(await root.getAttribute('data-playhead-ms'));
      expect(afterNext).toBeGreaterThan(start);

      // --- play at 16x with idle time kept: the whole recording plays in about 1/16 of its length
      await replay.getByTestId('replay-skip-idle').uncheck();
      await replay.getByTestId('replay-speed').selectOption('16');
      await replay.getByTestId('replay-scrubber').focus();
      await replay.keyboard.press('Home');
      const playedFrom = Date.now();
      await replay.getByTestId('replay-play').click();
      await expect.poll(() => replay.getByTestId('replay-play').getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('false');
      const wall = Date.now() - playedFrom;
      expect(Number(await root.getAttribute('data-playhead-ms'))).toBe(end);
      expect(await elementCount(replay)).toBe(2);
      expect(wall).toBeLessThan((end - start) / 2);
      // at 1x it really is slower: a moment of play moves the clock by about that moment
      await replay.getByTestId('replay-speed').selectOption('1');
      await replay.keyboard.press('Home');
      await replay.getByTestId('replay-play').click();
      await new Promise((r) => setTimeout(r, 600));
      await replay.getByTestId('replay-play').click();
      const played = Number(await root.getAttribute('data-playhead-ms')) - start;
      expect(played).toBeGreaterThan(200);
      expect(played).toBeLessThan(2500);

      // --- keyboard: space plays and pauses, → steps to the next marker, shift+← one single event back
      await replay.keyboard.press('Home');
      await replay.locator('body').press('ArrowRight');
      const stepped = Number(await root.getAttribute('data-playhead-ms'));
      expect(stepped).toBeGreaterThan(start);
      await replay.locator('body').press('Shift+ArrowLeft');
      expect(Number(await root.getAttribute('data-playhead-ms'))).toBeLessThan(stepped);

      await replay.locator('body').press(' ');
      await expect.poll(() => replay.getByTestId('replay-play').getAttribute('aria-pressed')).toBe('true');
      await replay.locator('body').press(' ');
      await expect.poll(() => replay.getByTestId('replay-play').getAttribute('aria-pressed')).toBe('false');

      // --- a burst (the score, run and signal land within milliseconds) is one group of markers
      // side by side, each its own button seeking to its own time
      const group = replay.getByTestId('replay-marker-group').first();
      await group.waitFor();
      expect(Number(await group.getAttribute('data-count'))).toBeGreaterThanOrEqual(3);
      for (const kind of ['score', 'run', 'signal']) {
        const marker = replay.locator(`[data-testid="replay-marker"][data-kind="${kind}"]`).first();
        await marker.click();
        expect(Number(await root.getAttribute('data-playhead-ms')) - start, kind).toBe(Number(await marker.getAttribute('data-t-ms')));
      }
      // labels name their kind once, and say who (the question's setter from the server's record)
      const questionLabel = (await replay.locator('[data-testid="replay-marker"][data-kind="question"]').getAttribute('aria-label')) ?? '';
      expect(questionLabel).toMatch(/^\d\d:\d\d Ines set the question: Self-attention/);
      expect(questionLabel.match(/question/gi)?.length, questionLabel).toBe(1);
      expect(await replay.locator('[data-testid="replay-marker"][data-kind="join"]').first().getAttribute('aria-label')).toMatch(/(Ines|Cam) \((interviewer|candidate)\) joined/);
      // → goes marker to marker; Shift+→ stops at the single edits in between (rectangle A after the question)
      await replay.locator('[data-testid="replay-marker"][data-kind="question"]').click();
      const atQuestion = Number(await root.getAttribute('data-playhead-ms'));
      await replay.locator('body').press('ArrowRight');
      const nextMarker = Number(await root.getAttribute('data-playhead-ms'));
      await replay.locator('[data-testid="replay-marker"][data-kind="question"]').click();
      await replay.locator('body').press('Shift+ArrowRight');
      const nextSingle = Number(await root.getAttribute('data-playhead-ms'));
      expect(nextSingle).toBeGreaterThan(atQuestion);
      expect(nextSingle).toBeLessThan(nextMarker);

      // --- clicking a marker seeks there: the question marker puts the question on screen
      const questionMarker = replay.locator('[data-testid="replay-marker"][data-kind="question"]');
      const markerAt = Number(await questionMarker.getAttribute('data-t-ms'));
      await questionMarker.click();
      expect(Number(await root.getAttribute('data-playhead-ms')) - start).toBe(markerAt);
      await expect.poll(() => replay.getByTestId('question-title').textContent()).toMatch(/\w/);
      await replay.locator('body').press('ArrowLeft');
      await expect.poll(() => replay.getByTestId('question-empty').isVisible()).toBe(true);

      // --- the participant filter: one person's lane and markers (room-wide ones stay)
      const options = await replay.getByTestId('replay-participant').locator('option').allTextContents();
      expect(options).toEqual(expect.arrayContaining(['Everyone', 'Ines (interviewer)', 'Cam (candidate)']));
      expect(await replay.getByTestId('replay-author').count()).toBe(2);
      await replay.getByTestId('replay-participant').selectOption({ label: 'Cam (candidate)' });
      expect(await replay.getByTestId('replay-author').allTextContents()).toEqual(['Cam (candidate)']);
      expect(await replay.locator('[data-testid="replay-marker"][data-kind="score"]').count()).toBe(0);
      expect(await replay.locator('[data-testid="replay-marker"][data-kind="signal"]').count()).toBeGreaterThanOrEqual(1);
      expect(await replay.locator('[data-testid="replay-marker"][data-kind="question"]').count()).toBe(1);
      await replay.getByTestId('replay-participant').selectOption({ label: 'Everyone' });

      // --- export the session, then open it in a fresh browser with no token and no server round trip
      await replay.locator('body').press('End');
      const [download] = await Promise.all([replay.waitForEvent('download'), replay.getByTestId('replay-export').click()]);
      expect(download.suggestedFilename()).toBe(`attn-session-${id}.attnreplay`);
      const file = path.join(SHOTS_DIR, download.suggestedFilename());
      fs.mkdirSync(SHOTS_DIR, { recursive: true });
      await download.saveAs(file);
      expect(fs.statSync(file).size).toBeGreaterThan(100);

      const offline = await newUser();
      await offline.goto(`${base}/replay/local`);
      await offline.getByTestId('replay-open').waitFor();
      await shot(offline, 'replay-open-file');
      const apiCalls: string[] = [];
      offline.on('request', (req) => {
        if (new URL(req.url()).pathname.startsWith('/api/')) apiCalls.push(req.url());
      });
      await offline.getByTestId('replay-import').setInputFiles(file);
      await offline.getByTestId('replay').waitFor({ timeout: 30_000 });
      await offline.locator('[data-testid="canvas"] canvas.interactive').waitFor({ timeout: 30_000 });
      expect(await offline.getByTestId('replay').getAttribute('data-source')).toBe('file');
      await offline.locator('body').press('End');
      await expect.poll(() => elementCount(offline), { timeout: 10_000 }).toBe(2);
      await offline.goto(`${base}/replay/local?t=${offsetS}`).catch(() => undefined); // (a reload forgets the file, by design)
      expect(apiCalls).toEqual([]);

      // --- a screenshot of the panel side with a marker tooltip
      await replay.locator('[data-testid="replay-marker"][data-kind="question"]').hover();
      await shot(replay, 'replay-tooltip');

      expect(problems.flat().filter((p) => !/Failed to load resource: the server responded with a status of 403/.test(p))).toEqual([]);
    } catch (error) {
      await screenshotAll(`replay-${ctx.task.name}`, contexts);
      throw error;
    }
  }, 240_000); // two browsers, a replay tab and an offline one: past 120 s on a loaded machine
});

function formatMmSs(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
