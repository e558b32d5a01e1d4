/**
 * The room's LiveKit recording in the replay, in real Chromium: Chromium itself records a short
 * WebM (a canvas through MediaRecorder), a tiny HTTP server of the test's own serves it as
 * ATTN_RECORDINGS_URL, and a recording row points at it. Seeking puts the video where the
 * playhead is; before the recording started the slot says it was not running; playing at 2x
 * plays the video at 2x.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Browser, Page } from 'playwright-core';
import { startAttn, type AttnServer } from '../../server/app.js';
import { decodeHistoryPage } from '../../shared/history.js';
import { createRoom, testConfig } from '../support/server.js';
import { chromiumAvailable, CLIENT_DIR, freePort, launch, requireBuiltClient, watchPage } from '../support/browser.js';

const hasBrowser = chromiumAvailable();
const FILE = 'attn/e2e/recording.webm';
/** The recording starts this long after the session's first record. */
const LEAD_MS = 2000;

/** Serves one file with Range support (the browser seeks in the video with range requests). */
function serveFile(bytes: Buffer): http.Server {
  return http.createServer((req, res) => {
    if (req.url !== `/${FILE}`) {
      res.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    const headers = { 'content-type': 'video/webm', 'accept-ranges': 'bytes', 'access-control-allow-origin': '*' };
    if (!range) {
      res.writeHead(200, { ...headers, 'content-length': bytes.length }).end(req.method === 'HEAD' ? undefined : bytes);
      return;
    }
    const start = range[1] ? Number(range[1]) : Math.max(0, bytes.length - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    if (start >= bytes.length) {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${bytes.length}` }).end();
      return;
    }
    res
      .writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${bytes.length}` })
      .end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
  });
}

/** About three seconds of a moving square, recorded by Chromium's own MediaRecorder. */
async function recordWebm(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 180;
    document.body.append(canvas);
    const g = canvas.getContext('2d')!;
    let frame = 0;
    const draw = () => {
      g.fillStyle = '#123';
      g.fillRect(0, 0, 320, 180);
      g.fillStyle = '#fc3';
      g.fillRect((frame * 4) % 300, 80, 20, 20);
      frame++;
    };
    draw();
    const timer = setInterval(draw, 1000 / 30);
    const stream = canvas.captureStream(30);
    const recorder = new MediaRecorder(stream, { mimeType: 'video/webm' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
    recorder.start(250);
    await new Promise((r) => setTimeout(r, 3200));
    recorder.stop();
    await stopped;
    clearInterval(timer);
    const blob = new Blob(chunks, { type: 'video/webm' });
    const url = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.readAsDataURL(blob);
    });
    return url.slice(url.indexOf(',') + 1);
  });
  return Buffer.from(base64, 'base64');
}

describe.skipIf(!hasBrowser)('the LiveKit recording in the replay', () => {
  let browser: Browser;
  let server: AttnServer;
  let files: http.Server;
  let base: string;
  let filesBase: string;
  const problems: string[][] = [];

  beforeAll(async () => {
    requireBuiltClient();
    browser = await launch();
    const maker = await browser.newPage();
    const video = await recordWebm(maker);
    await maker.close();
    expect(video.length).toBeGreaterThan(1000);
    files = serveFile(video);
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    const port = await freePort();
    server = await startAttn(testConfig({ port, clientDir: CLIENT_DIR, recordingsUrl: filesBase }), { logSink: () => undefined });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise<void>((resolve) => (files ? files.close(() => resolve()) : resolve()));
  });

  it('keeps the video at the playhead, says when it was not running, and plays at the replay speed', async () => {
    const room = await createRoom(base, 'Recorded interview');
    const id = room.room.id;
    const token = room.links.interviewer.token;

    // A session ten seconds long: one edit now, one ten seconds on (server-clock timestamps).
    const log = await server.store.updateLogStats(id, 'board');
    const t0 = Math.max(Date.now(), log.lastTs ?? 0);
    const doc = new Y.Doc();
    for (const ts of [t0, t0 + 10_000]) {
      const before = Y.encodeStateVector(doc);
      doc.getMap('e2e').set('at', ts);
      await server.store.appendUpdate({ roomId: id, doc: 'board', ts, authorRole: 'candidate', authorName: 'Cam', bytes: Y.encodeStateAsUpdate(doc, before) });
    }
    const stats = await server.store.updateLogStats(id, 'board');
    const start = stats.firstTs!;
    const startedAt = start + LEAD_MS;
    await server.store.addRecording({ roomId: id, egressId: 'EG_e2e', startedAt, stoppedAt: startedAt + 3000, file: FILE });

    // the header points at the served file
    const header = await fetch(`${base}/api/rooms/${id}/history?doc=board`, { headers: { authorization: `Bearer ${token}` } });
    expect(decodeHistoryPage(new Uint8Array(await header.arrayBuffer())).meta.recording).toEqual({
      egressId: 'EG_e2e',
      startedAt,
      stoppedAt: startedAt + 3000,
      url: `${filesBase}/${FILE}`,
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    problems.push(watchPage(page).errors);
    const open = async (offsetMs: number) => {
      await page.goto(`${base}/replay/${id}?t=${(offsetMs / 1000).toFixed(3)}#token=${token}`);
      await page.getByTestId('replay').waitFor({ timeout: 30_000 });
      expect(Number(await page.getByTestId('replay').getAttribute('data-start-ms'))).toBe(start);
    };
    const slot = page.getByTestId('replay-recording');
    const video = page.getByTestId('replay-recording-video');
    const currentTime = () => video.evaluate((v: HTMLVideoElement) => v.currentTime);

    // --- 1.5 s into the recording
    await open(LEAD_MS + 1500);
    await expect.poll(() => slot.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    expect(await video.getAttribute('src')).toBe(`${filesBase}/${FILE}`);
    expect(await video.evaluate((v: HTMLVideoElement) => ({ muted: v.muted, controls: v.controls }))).toEqual({ muted: true, controls: false });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(currentTime, { timeout: 15_000 }).toBeGreaterThan(1.5 - 0.35);
    expect(Math.abs((await currentTime()) - 1.5)).toBeLessThanOrEqual(0.35);
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
    // the unmute button unmutes
    await page.getByTestId('replay-recording-mute').click();
    expect(await video.evaluate((v: HTMLVideoElement) => v.muted)).toBe(false);
    await page.getByTestId('replay-recording-mute').click();
    expect(await video.evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);

    // --- before the recording started: not running, video paused
    await open(LEAD_MS - 1000);
    await expect.poll(() => slot.getAttribute('data-state'), { timeout: 15_000 }).toBe('off');
    await expect.poll(() => page.getByTestId('replay-recording-off').textContent()).toMatch(/not running at this point/i);
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);

    // --- play at 2x from 0.3 s in: the video plays at 2x and moves on
    await open(LEAD_MS + 300);
    await expect.poll(() => slot.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await page.getByTestId('replay-skip-idle').uncheck();
    await page.getByTestId('replay-speed').selectOption('2');
    const before = await currentTime();
    await page.getByTestId('replay-play').click();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => !v.paused && v.playbackRate), { timeout: 5_000 }).toBe(2);
    await expect.poll(currentTime, { timeout: 5_000 }).toBeGreaterThan(before + 0.5);
    // ...and stays with the playhead
    const inStep = await page.evaluate(() => {
      const root = document.querySelector<HTMLElement>('[data-testid="replay"]')!;
      const v = document.querySelector<HTMLVideoElement>('[data-testid="replay-recording-video"]')!;
      return { playhead: Number(root.dataset.playheadMs), video: v.currentTime };
    });
    if (inStep.playhead < startedAt + 2800) expect(Math.abs(inStep.video - (inStep.playhead - startedAt) / 1000)).toBeLessThan(0.6);
    await page.getByTestId('replay-play').click();

    expect(problems.flat()).toEqual([]);
  });
});
