/**
 * Audio/video in real Chromium with fake camera and microphone. No LiveKit server runs here, so
 * this covers what must work without one: the "off" pane, the pre-join preview and mic meter,
 * and a clear error with Retry when LiveKit can't be reached — with the board unaffected.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAttn, type AttnServer } from '../../server/app.js';
import { createRoom, testConfig } from '../support/server.js';
import { chromiumAvailable, CLIENT_DIR, elementCount, freePort, joinRoom, launch, requireBuiltClient, screenshotAll, watchPage } from '../support/browser.js';

const hasBrowser = chromiumAvailable();
const SHOTS_DIR = process.env.ATTN_SHOTS_DIR ?? '/tmp/shots-av';
const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

describe.skipIf(!hasBrowser)('audio/video pane in real browsers', () => {
  let browser: Browser;
  const servers: AttnServer[] = [];
  let contexts: BrowserContext[] = [];
  const problems: string[][] = [];

  const newUser = async (): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    problems.push(watchPage(page).errors);
    return page;
  };
  const shot = async (page: Page, name: string) => {
    fs.mkdirSync(SHOTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`) });
  };
  const linkUrl = (server: AttnServer, roomId: string, token: string) => `${server.url.replace('localhost', '127.0.0.1')}/r/${roomId}#token=${token}`;
  const padText = (page: Page) => page.locator('[data-testid="pad"] .cm-content').innerText();
  const typeAndSee = async (from: Page, to: Page, text: string) => {
    await from.locator('[data-testid="pad"] .cm-content').click();
    await from.keyboard.press('Control+End');
    await from.keyboard.type(text);
    await expect.poll(() => padText(to), { timeout: 10_000 }).toContain(text);
  };
  const drawRectangle = async (page: Page) => {
    const canvas = page.locator('[data-testid="canvas"] canvas.interactive');
    const box = (await canvas.boundingBox())!;
    await page.locator('[data-testid="toolbar-rectangle"]').click({ force: true });
    await page.mouse.move(box.x + 330, box.y + 220);
    await page.mouse.down();
    await page.mouse.move(box.x + 450, box.y + 300, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.press('Escape');
  };

  beforeAll(async () => {
    requireBuiltClient();
    browser = await launch(FAKE_MEDIA);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotAll(`av-${ctx.task.name}`, contexts);
    for (const c of contexts) await c.close().catch(() => undefined);
    contexts = [];
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
  });

  it('without LiveKit: the pane says A/V is off, loads no call code, and the board still syncs', async () => {
    const server = await startAttn(testConfig({ clientDir: CLIENT_DIR }), { logSink: () => undefined });
    servers.push(server);
    const { room, links } = await createRoom(server.url, 'No A/V');
    const interviewer = await newUser();
    const candidate = await newUser();
    const requested: string[] = [];
    candidate.on('request', (r) => requested.push(r.url()));
    await joinRoom(interviewer, linkUrl(server, room.id, links.interviewer.token), 'Ines');
    await joinRoom(candidate, linkUrl(server, room.id, links.candidate.token), 'Cam');

    for (const page of [interviewer, candidate]) {
      const off = page.getByTestId('av-off');
      await off.waitFor({ timeout: 10_000 });
      expect(await off.innerText()).toMatch(/audio\/video is off on this server/i);
      expect(await page.getByTestId('av-prejoin').count()).toBe(0);
    }
    // The server-admin hint is the interviewer's; the candidate's page never contains it.
    expect(await interviewer.getByTestId('av-off').innerText()).toContain('set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET');
    expect(await candidate.content()).not.toContain('LIVEKIT');
    // nothing of the call UI was downloaded
    expect(requested.filter((u) => /AvCall/.test(u))).toEqual([]);

    await drawRectangle(candidate);
    await expect.poll(() => elementCount(interviewer), { timeout: 10_000 }).toBe(1);
    await typeAndSee(candidate, interviewer, 'const k = tf.ones([2, 2]);');
    await shot(interviewer, 'off-interviewer');
    await shot(candidate, 'off-candidate');
    expect(problems.flat().filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('LiveKit unreachable: live preview and mic meter, then Join shows an error with Retry, and the board still works', async () => {
    const closedPort = await freePort();
    const server = await startAttn(
      testConfig({
        clientDir: CLIENT_DIR,
        livekit: { url: `ws://127.0.0.1:${closedPort}`, apiUrl: `http://127.0.0.1:${closedPort}`, apiKey: 'devkey', apiSecret: 'secret', egress: true },
      }),
      { logSink: () => undefined },
    );
    servers.push(server);
    const { room, links } = await createRoom(server.url, 'Unreachable LiveKit');
    const interviewer = await newUser();
    const candidate = await newUser();
    const observer = await newUser();
    await joinRoom(interviewer, linkUrl(server, room.id, links.interviewer.token), 'Ines');
    await joinRoom(candidate, linkUrl(server, room.id, links.candidate.token), 'Cam');
    await joinRoom(observer, linkUrl(server, room.id, links.observer.token), 'Olu');

    // --- pre-join: a playing local camera track, a moving mic level, device pickers
    await candidate.getByTestId('av-prejoin').waitFor({ timeout: 15_000 });
    const video = () =>
      candidate.getByTestId('av-preview').evaluate((v: HTMLVideoElement) => ({
        width: v.videoWidth,
        height: v.videoHeight,
        paused: v.paused,
        live: (v.srcObject as MediaStream | null)?.getVideoTracks()[0]?.readyState ?? 'none',
        time: v.currentTime,
      }));
    await expect.poll(async () => (await video()).width, { timeout: 15_000 }).toBeGreaterThan(0);
    const first = await video();
    expect(first).toMatchObject({ paused: false, live: 'live' });
    expect(first.height).toBeGreaterThan(0);
    await expect.poll(async () => (await video()).time, { timeout: 5_000 }).toBeGreaterThan(first.time);

    const levels: number[] = [];
    await expect
      .poll(
        async () => {
          levels.push(Number(await candidate.getByTestId('av-mic-level').getAttribute('data-level')));
          // the fake microphone beeps: the meter must be above zero and moving, not stuck
          return Math.max(...levels) > 0 && new Set(levels).size > 2;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBe(true);
    expect(await candidate.getByTestId('av-camera-select').locator('option').count()).toBeGreaterThan(0);
    expect(await candidate.getByTestId('av-mic-select').locator('option').count()).toBeGreaterThan(0);
    await shot(candidate, 'prejoin-candidate');

    // observers join to listen: no preview, no camera
    await observer.getByTestId('av-prejoin').waitFor({ timeout: 15_000 });
    expect(await observer.getByTestId('av-prejoin').innerText()).toContain("You'll join to watch and listen");
    expect(await observer.getByTestId('av-preview').count()).toBe(0);
    await shot(observer, 'prejoin-observer');

    // --- join: LiveKit is not there, so a clear sentence and Retry
    await candidate.getByTestId('av-join').click();
    const error = candidate.getByTestId('av-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.innerText()).toMatch(new RegExp(`Could not reach the audio/video server at ws://127\\.0\\.0\\.1:${closedPort}`));
    expect(await candidate.getByTestId('av-retry').isVisible()).toBe(true);
    await shot(candidate, 'error-candidate');
    // Retry tries again and lands in the same, honest state
    await candidate.getByTestId('av-retry').click();
    await expect.poll(() => candidate.getByTestId('av-error').isVisible(), { timeout: 30_000 }).toBe(true);

    // --- interviewer: Record asks Egress, which isn't there either
    await interviewer.getByTestId('av-prejoin').waitFor({ timeout: 15_000 });
    expect(await interviewer.getByTestId('av-record').innerText()).toContain('Record');
    expect(await candidate.getByTestId('av-record').count()).toBe(0);
    await interviewer.getByTestId('av-record').click();
    await expect.poll(() => interviewer.locator('.av-record-row [role="alert"]').textContent(), { timeout: 15_000 }).toMatch(/^Could not start the recording/);
    await shot(interviewer, 'prejoin-interviewer');

    // --- the board and the pad never depended on any of it
    await drawRectangle(candidate);
    await expect.poll(() => elementCount(interviewer), { timeout: 10_000 }).toBe(1);
    await typeAndSee(candidate, interviewer, 'const v = tf.zeros([3]);');
    await typeAndSee(interviewer, candidate, '// looks good');
    expect(await interviewer.getByTestId('connection-state').textContent()).toBe('connected');

    // the canvas keeps its room at 1280 px
    const canvasWidth = (await candidate.getByTestId('canvas-pane').boundingBox())!.width;
    expect(canvasWidth).toBeGreaterThan(600);

    const unexpected = problems.flat().filter((e) => !/favicon|ERR_CONNECTION_REFUSED|WebSocket|livekit|502|Failed to load resource|websocket/i.test(e));
    expect(unexpected).toEqual([]);
  });
});
