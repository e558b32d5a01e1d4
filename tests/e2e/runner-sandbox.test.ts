/**
 * Issue 12, finding 1 in real Chromium: an interviewer presses Run on code the candidate typed
 * into the shared pad, and that code tries everything a same-origin script could use to reach
 * the panel: y-websocket's cross-tab BroadcastChannel (the page's providers still have it on
 * here, so the opaque origin alone must stop it), storage, IndexedDB, caches, OPFS, service
 * workers, cookies and credentialed fetches, its own origin, parent and top. Each comes back
 * unavailable or blocked, nothing of the panel shows up in the run, and the panel on the server
 * is unchanged even after the page's sockets reconnect (which would upload anything the snippet
 * had slipped into the page's doc). Then every backend still runs inside the sandbox.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { boardCode, noteKey, panelNotes, panelRaters, panelScores, scoreKey } from '../../shared/doc.js';
import { MessageType, RUNNER_HOST_PATH } from '../../shared/protocol.js';
import { connect, createRoom, eventually, waitSynced } from '../support/server.js';
import { browserAndServer, chromiumAvailable, joinRoom, screenshotAll, runControl, setPad } from '../support/browser.js';

const hasBrowser = chromiumAvailable();

const SECRET_NOTE = 'PANEL-SECRET-NOTE-7f3a: strong on attention maths, weak on systems';
const CO_RATER = 'Zora Quillfeather';
const CO_NOTE = 'ZORA-PRIVATE-NOTE-91c2';
const FORGED_RATER = 'Mallory Forged';

/** A y-websocket sync message carrying an update that registers FORGED_RATER with top scores. */
function forgedUpdateMessage(): number[] {
  const forger = new Y.Doc();
  forger.transact(() => {
    panelRaters(forger).set('mallory-rater', { name: FORGED_RATER, joinedAt: Date.now() });
    panelScores(forger).set(scoreKey('mallory-rater', 'q1', 'math-understanding'), 5);
  });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(forger));
  return [...encoding.toUint8Array(encoder)];
}

/** What a candidate would type: every probe prints `name: result`. */
function hostileSnippet(channels: string[], apiUrl: string): string {
  return `// attn-hostile-probe
const report = (name, value) => console.log(name + ': ' + value);
const probe = async (name, fn) => {
  try { report(name, await fn()); } catch (e) { report(name, 'blocked ' + (e && e.name ? e.name : String(e))); }
};
const printable = (bytes) => (String.fromCharCode(...bytes).match(/[\\x20-\\x7e]{4,}/g) || []).join(' ');
const SYNC_STEP_1_EMPTY = [${MessageType.Sync}, 0, 1, 0]; // "send me everything you have"
await probe('origin', () => self.origin);
await probe('broadcastchannel', async () => {
  const heard = [];
  const channels = ${JSON.stringify(channels)}.map((name) => {
    const c = new BroadcastChannel(name);
    c.onmessage = (e) => heard.push(printable(new Uint8Array(e.data)));
    return c;
  });
  channels.forEach((c) => c.postMessage(new Uint8Array(SYNC_STEP_1_EMPTY)));
  channels[1].postMessage(new Uint8Array(${JSON.stringify(forgedUpdateMessage())}));
  channels[1].postMessage(new Uint8Array(SYNC_STEP_1_EMPTY));
  channels.forEach((c) => c.postMessage(new Uint8Array([${MessageType.QueryAwareness}])));
  // a listening window, not a measurement: a same-origin page answers within milliseconds
  await new Promise((resolve) => setTimeout(resolve, 1500));
  channels.forEach((c) => c.close());
  return heard.length + ' replies' + (heard.length ? ': ' + heard.join(' | ') : '');
});
await probe('localStorage', () => typeof localStorage === 'undefined' ? 'unavailable' : 'keys ' + Object.keys(localStorage).join(','));
await probe('sessionStorage', () => typeof sessionStorage === 'undefined' ? 'unavailable' : 'keys ' + Object.keys(sessionStorage).join(','));
await probe('indexedDB', async () => typeof indexedDB === 'undefined' ? 'unavailable' : 'opened ' + await new Promise((resolve, reject) => {
  const request = indexedDB.open('attn-probe');
  request.onsuccess = () => resolve(request.result.name);
  request.onerror = () => reject(request.error);
}));
await probe('caches', async () => typeof caches === 'undefined' ? 'unavailable' : 'keys ' + (await caches.keys()).join(','));
await probe('opfs', async () => !navigator.storage ? 'unavailable' : 'root ' + (await navigator.storage.getDirectory()).kind);
await probe('serviceWorker', async () => !navigator.serviceWorker ? 'unavailable' : 'registrations ' + (await navigator.serviceWorker.getRegistrations()).length);
await probe('cookie', () => typeof document === 'undefined' ? 'unavailable' : 'cookie ' + document.cookie);
await probe('fetch', async () => {
  const response = await fetch(${JSON.stringify(apiUrl)}, { credentials: 'include' });
  return 'status ' + response.status + ' ' + (await response.text()).slice(0, 500);
});
await probe('parent', () => typeof parent === 'undefined' ? 'unavailable' : 'location ' + parent.location.href);
await probe('top', () => typeof top === 'undefined' ? 'unavailable' : 'location ' + top.location.href);
return 'probed';
`;
}

const PROBES = ['origin', 'broadcastchannel', 'localStorage', 'sessionStorage', 'indexedDB', 'caches', 'opfs', 'serviceWorker', 'cookie', 'fetch', 'parent', 'top'];

describe.skipIf(!hasBrowser)('snippets run in an opaque origin', () => {
  const suite = browserAndServer(['--enable-unsafe-webgpu']);
  const contexts: BrowserContext[] = [];

  const newPage = async (): Promise<Page> => {
    const ctx = await suite.browser.newContext({ viewport: { width: 1600, height: 900 } });
    contexts.push(ctx);
    return ctx.newPage();
  };
  const newest = (page: Page): Locator => page.getByTestId('run-record').first();
  const runAndWait = async (page: Page, previousId: string | null, timeout = 90_000): Promise<Locator> => {
    await page.getByTestId('run').click();
    await expect
      .poll(async () => ((await newest(page).getAttribute('data-run-id')) !== previousId ? newest(page).getAttribute('data-status') : 'pending'), { timeout })
      .toMatch(/^(ok|error|timeout|stopped)$/);
    return newest(page);
  };
  const withScreenshots = async (name: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (err) {
      const shots = await screenshotAll(name, contexts);
      throw new Error(`${(err as Error).message}\nscreenshots: ${shots.join(', ')}`, { cause: err });
    }
  };

  it("the candidate's code, run by the interviewer, reaches nothing of the app's origin and leaves the panel as it was", async (ctx) => {
    await withScreenshots(ctx.task.name, async () => {
      const base = suite.server.url.replace('localhost', '127.0.0.1');
      const room = await createRoom(base, 'Sandbox');
      const roomId = room.room.id;
      await fetch(`${base}/api/rooms/${roomId}/session/current`, {
        method: 'POST',
        headers: { authorization: `Bearer ${room.links.interviewer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ questionId: 'q1' }),
      });

      // A second interviewer scores from another client: a rater name that exists only in the panel.
      const zora = connect(base, roomId, 'panel', room.links.interviewer.token, { name: CO_RATER });
      await waitSynced(zora);
      zora.doc.transact(() => {
        panelRaters(zora.doc).set('zora-rater', { name: CO_RATER, joinedAt: Date.now() });
        panelScores(zora.doc).set(scoreKey('zora-rater', 'q1', 'system-design'), 2);
        panelNotes(zora.doc).set(noteKey('zora-rater', 'q1'), CO_NOTE);
      });

      // The interviewer's page, with a hook to cut its sockets later (a network blip, in effect).
      const iv = await newPage();
      await iv.addInitScript(() => {
        const sockets: WebSocket[] = [];
        (window as unknown as { __attnSockets: WebSocket[] }).__attnSockets = sockets;
        const Native = window.WebSocket;
        window.WebSocket = class extends Native {
          constructor(url: string | URL, protocols?: string | string[]) {
            super(url, protocols);
            sockets.push(this);
          }
        };
      });
      await joinRoom(iv, room.links.interviewer.url, 'Ines');
      await iv.getByTestId('plan').waitFor({ timeout: 15_000 });
      // ...who writes a private note and a score through the panel's UI.
      await iv.getByTestId('notes').fill(SECRET_NOTE);
      const row = iv.locator('[data-testid="rubric-row"][data-sub="math-understanding"]');
      await row.focus();
      await iv.keyboard.press('4');
      await expect.poll(() => row.getAttribute('data-score')).toBe('4');
      await expect.poll(() => iv.locator(`[data-testid="rater-score"][data-rater-name="${CO_RATER}"]`).count(), { timeout: 15_000 }).toBe(1);
      const readPanel = () =>
        suite.server.sync.read(roomId, 'panel', (doc) => ({
          raters: Object.fromEntries([...panelRaters(doc).entries()].map(([id, r]) => [id, r.name])),
          scores: panelScores(doc).toJSON(),
          notes: panelNotes(doc).toJSON(),
        }));
      const before = await eventually(async () => {
        const panel = await readPanel();
        expect(Object.values(panel.notes)).toContain(SECRET_NOTE);
        expect(Object.values(panel.scores)).toContain(4);
        return panel;
      }, 15_000);

      // The candidate types the hostile code into the shared pad.
      const host = new URL(iv.url()).host;
      const channels = ['board', 'panel'].map((doc) => `ws://${host}/sync/${encodeURIComponent(roomId)}/${doc}`);
      const apiUrl = `http://${host}/api/rooms/${roomId}/scorecard`;
      const candidate = connect(base, roomId, 'board', room.links.candidate.token, { name: 'Cam' });
      await waitSynced(candidate);
      const code = boardCode(candidate.doc);
      candidate.doc.transact(() => {
        code.delete(0, code.length);
        code.insert(0, hostileSnippet(channels, apiUrl));
      });
      await expect.poll(() => iv.locator('[data-testid="pad"] .cm-content').textContent(), { timeout: 15_000 }).toContain('attn-hostile-probe');

      // The interviewer runs it (on cpu: the quickest to start; the backend is not the point here).
      await (await runControl(iv, 'backend-select')).selectOption('cpu');
      await (await runControl(iv, 'timeout-input')).fill('30');
      const record = await runAndWait(iv, await newest(iv).getAttribute('data-run-id').catch(() => null));
      expect(await record.getAttribute('data-status')).toBe('ok');
      const lines = await record.locator('[data-testid="run-console"] .run-line').allTextContents();
      const results = Object.fromEntries(PROBES.map((name) => [name, lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? 'missing']));
      expect(results).toEqual({
        origin: 'null',
        broadcastchannel: expect.stringMatching(/^(0 replies|blocked)/),
        localStorage: 'unavailable',
        sessionStorage: 'unavailable',
        indexedDB: expect.stringMatching(/^(unavailable|blocked)/),
        caches: expect.stringMatching(/^(unavailable|blocked)/),
        opfs: expect.stringMatching(/^(unavailable|blocked)/),
        serviceWorker: expect.stringMatching(/^(unavailable|blocked)/),
        cookie: 'unavailable',
        fetch: expect.stringMatching(/^blocked/),
        parent: 'unavailable',
        top: 'unavailable',
      });
      const wholeRecord = (await record.textContent()) ?? '';
      for (const secret of [SECRET_NOTE.slice(0, 24), CO_RATER, CO_NOTE]) expect(wholeRecord).not.toContain(secret);
      // The worker lives in the sandbox frame, which is opaque (no allow-same-origin).
      const frame = iv.locator(`iframe[src="${RUNNER_HOST_PATH}"]`);
      expect(await frame.getAttribute('sandbox')).toBe('allow-scripts');

      // The page's own view shows no forged rater, even after its sockets reconnect and resync.
      expect(await iv.locator(`[data-testid="rater-score"][data-rater-name="${FORGED_RATER}"]`).count()).toBe(0);
      const openSockets = () => iv.evaluate(() => (window as unknown as { __attnSockets: WebSocket[] }).__attnSockets.filter((s) => s.readyState === WebSocket.OPEN).length);
      const socketsBefore = await iv.evaluate(() => (window as unknown as { __attnSockets: WebSocket[] }).__attnSockets.length);
      await iv.evaluate(() => (window as unknown as { __attnSockets: WebSocket[] }).__attnSockets.forEach((s) => s.close()));
      await expect
        .poll(async () => (await iv.evaluate(() => (window as unknown as { __attnSockets: WebSocket[] }).__attnSockets.length)) > socketsBefore && (await openSockets()) >= 2, { timeout: 20_000 })
        .toBe(true);
      // A score given after the reconnect is the marker: once the server has it, the resync before it was processed too.
      const marker = iv.locator('[data-testid="rubric-row"][data-sub="implementation-details"]');
      await marker.focus();
      await iv.keyboard.press('3');
      const after = await eventually(async () => {
        const panel = await readPanel();
        expect(Object.values(panel.scores).filter((v) => v === 3)).toHaveLength(1);
        return panel;
      }, 15_000);
      const markerKey = Object.keys(after.scores).find((k) => !(k in before.scores))!;
      const { [markerKey]: _marker, ...scoresAfter } = after.scores;
      expect({ ...after, scores: scoresAfter }).toEqual(before);
      expect(JSON.stringify(after)).not.toContain(FORGED_RATER);
      zora.destroy();
      candidate.destroy();
    });
  });

  it('the host page is opaque even when opened on its own, and no other site may frame it', async (ctx) => {
    await withScreenshots(ctx.task.name, async () => {
      const hostUrl = suite.server.url.replace('localhost', '127.0.0.1') + RUNNER_HOST_PATH;
      const page = await newPage();
      await page.goto(hostUrl);
      expect(await page.evaluate(() => self.origin)).toBe('null');
      // Another site (a second server: another origin) frames it to drive attn's sandbox for its own ends: refused.
      const elsewhere = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<iframe src="${hostUrl}"></iframe>`));
      await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
      try {
        const refused = page.waitForEvent('console', { predicate: (m) => m.text().includes("frame-ancestors 'self'"), timeout: 15_000 });
        await page.goto(`http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`);
        expect((await refused).text()).toMatch(/^Framing '.*' violates/);
        await expect.poll(() => page.frames().map((f) => f.url())).toContain('chrome-error://chromewebdata/');
      } finally {
        elsewhere.close();
      }
    });
  });

  it('every backend still runs inside the sandbox: webgpu, webgl, wasm and cpu', async (ctx) => {
    await withScreenshots(ctx.task.name, async () => {
      const backends = await createRoom(suite.server.url.replace('localhost', '127.0.0.1'), 'Backends');
      const iv = await joinRoom(await newPage(), backends.links.interviewer.url, 'Ines');
      await (await runControl(iv, 'timeout-input')).fill('60');
      await setPad(iv, "console.log('backend', tf.getBackend());\nreturn (await tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).sum().data())[0];");
      for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu'] as const) {
        await (await runControl(iv, 'backend-select')).selectOption(backend);
        const record = await runAndWait(iv, await newest(iv).getAttribute('data-run-id').catch(() => null));
        expect(await record.getAttribute('data-status')).toBe('ok');
        expect(await record.getAttribute('data-backend')).toBe(backend);
        expect(await record.getByTestId('run-value').textContent()).toContain('12');
        expect(await record.getByTestId('run-console').textContent()).toContain(`backend ${backend}`);
      }
      // An error thrown inside tfjs still points at the snippet's line: the evaluated worker script
      // is named by its URL, so its own frames are not taken for the snippet's anonymous ones.
      await setPad(iv, 'const a = tf.ones([2, 3]);\nconst b = tf.ones([2, 3]);\nreturn tf.matMul(a, b);');
      const failed = await runAndWait(iv, await newest(iv).getAttribute('data-run-id'));
      expect(await failed.getAttribute('data-status')).toBe('error');
      expect(await failed.getByTestId('run-error').getAttribute('data-line')).toBe('3');
    });
  });
});
