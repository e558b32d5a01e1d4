/**
 * GET /runner-host: the page that hosts the snippet runner's workers, framed by the app page as
 * `<iframe sandbox="allow-scripts">` (client/runner/sandbox.ts). It is what keeps candidate code
 * away from the room: without allow-same-origin the frame's origin is opaque, and each worker it
 * starts comes from a `data:` URL, whose origin is a fresh opaque one too. So a snippet reaches
 * no BroadcastChannel of the app (y-websocket's cross-tab channel carries the panel doc), no
 * storage, IndexedDB, caches, cookies or service workers of attn's origin.
 *
 * Why a `data:` URL and not a blob: measured in Chromium 156, a module worker from a blob made in
 * an opaque origin fails to load, and a classic one loads but is not a secure context (no
 * navigator.gpu, so no WebGPU); a `data:` worker there is a secure context with WebGPU, WebGL
 * (OffscreenCanvas) and wasm. The worker script is too big for a URL (Chromium caps URLs at
 * 2 MiB), so the data: URL is a bootstrap that evaluates the bundle the page fetched and sent.
 *
 * The CSP is the sandbox's wall. A data: worker inherits its creator's policy, so this one header
 * governs the host script and every worker: only this page's own inline script (by hash); eval and
 * wasm compile for the snippet and tfjs-backend-wasm; workers from data: only; connect to blob:
 * only (the wasm bytes the worker wraps in blob URLs), so no fetch, WebSocket or import reaches
 * any network; framed by attn's own pages only. `sandbox allow-scripts` keeps the page opaque even
 * if something opens it outside its iframe.
 */
import crypto from 'node:crypto';
import { Router } from 'express';
import { RUNNER_HOST_PATH } from '../../shared/protocol.js';

/**
 * The host's script, plain JavaScript (browsers run it as is; its hash is in the CSP). Messages:
 * parent -> host: {type:'source', source} once, then {type:'spawn'|'terminate', worker} and
 * {type:'post', worker, message}; host -> parent: {type:'host-ready'}, {type:'message', worker,
 * data} and {type:'error', worker, message}. The host listens to its parent window only. It
 * answers with targetOrigin '*' because its own origin is opaque and it cannot name its
 * parent's; frame-ancestors 'self' means that parent is always an attn page.
 */
export const RUNNER_HOST_SCRIPT = `(() => {
  'use strict';
  if (window.parent === window) return;
  const BOOT = 'data:text/javascript,' + encodeURIComponent('self.onmessage = (event) => { self.onmessage = null; (0, eval)(event.data); };');
  const workers = new Map();
  let source = null;
  const toParent = (message) => window.parent.postMessage(message, '*');
  const fail = (id, error) => toParent({ type: 'error', worker: id, message: String((error && error.message) || error || '') });
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent) return;
    const m = event.data;
    if (typeof m !== 'object' || m === null) return;
    if (m.type === 'source') {
      if (source === null && typeof m.source === 'string') source = m.source;
      return;
    }
    const id = m.worker;
    if (typeof id !== 'number') return;
    if (m.type === 'spawn') {
      if (workers.has(id)) return;
      if (source === null) return fail(id, 'the runner script never reached the sandbox');
      let worker;
      try {
        worker = new Worker(BOOT, { name: 'attn-runner' });
      } catch (error) {
        return fail(id, error);
      }
      worker.onmessage = (e) => toParent({ type: 'message', worker: id, data: e.data });
      worker.onerror = (e) => {
        e.preventDefault();
        fail(id, e.message);
      };
      worker.postMessage(source);
      workers.set(id, worker);
    } else if (m.type === 'post') {
      const worker = workers.get(id);
      if (worker) worker.postMessage(m.message);
    } else if (m.type === 'terminate') {
      const worker = workers.get(id);
      if (worker) worker.terminate();
      workers.delete(id);
    }
  });
  toParent({ type: 'host-ready' });
})();`;

const scriptHash = crypto.createHash('sha256').update(RUNNER_HOST_SCRIPT).digest('base64');

export const RUNNER_HOST_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${scriptHash}' 'unsafe-eval' 'wasm-unsafe-eval'`,
  'worker-src data:',
  'connect-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
  'sandbox allow-scripts',
].join('; ');

const RUNNER_HOST_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>attn runner</title></head><body><script>${RUNNER_HOST_SCRIPT}</script></body></html>`;

export function runnerHostRouter(path = RUNNER_HOST_PATH): Router {
  const r = Router();
  r.get(path, (_req, res) => {
    // Tiny and versioned with the server, so revalidate rather than cache: a new server's host
    // script has a new hash.
    res.set({ 'Content-Security-Policy': RUNNER_HOST_CSP, 'Cache-Control': 'no-cache' }).type('html').send(RUNNER_HOST_HTML);
  });
  return r;
}
