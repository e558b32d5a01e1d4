/**
 * The page's side of the runner sandbox: one hidden `<iframe sandbox="allow-scripts">` per page
 * (no allow-same-origin, so its origin is opaque) that starts the runner workers, each in an
 * opaque origin of its own (server/http/runnerHost.ts says how and why). Snippet code therefore
 * reaches nothing of attn's origin: not y-websocket's BroadcastChannel, which carries the panel
 * doc between tabs, nor storage, IndexedDB, caches, cookies or service workers.
 *
 * A SandboxedWorker is a RunnerWorker (pool.ts) that proxies through the frame, so the pool
 * cannot tell it from a Worker: terminate() really terminates (the frame's thread is never the
 * one a `while (true)` blocks).
 */
import type { RunnerWorker } from './pool.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** The host page is a few hundred bytes from our own server; longer means it is blocked (a CSP without frame-src 'self'?). */
export const HOST_START_TIMEOUT_MS = 20_000;

type ToHost =
  | { type: 'source'; source: string }
  | { type: 'spawn' | 'terminate'; worker: number }
  | { type: 'post'; worker: number; message: ToWorker };

type FromHost = { type: 'host-ready' } | { type: 'message'; worker: number; data: FromWorker } | { type: 'error'; worker: number; message: string };

export interface SandboxOptions {
  /** RUNNER_HOST_PATH on our server */
  hostUrl: string;
  /** the built worker script (one self-contained file; see vite.config.ts) */
  scriptUrl: string;
  /** where the frame goes; document.body by default */
  container?: HTMLElement;
}

/**
 * The worker script as the sandbox evaluates it: strict like the module it was built as, and
 * named by its real URL so stack frames inside tfjs read `…/attn-runner-<hash>.js:1:…` as they
 * did when it was loaded from there (transform.ts takes an anonymous frame for a snippet line).
 */
export function prepareScript(text: string, scriptUrl: string, base = location.href): string {
  const absolute = new URL(scriptUrl, base);
  const body = text.replace(/\n\/\/# sourceMappingURL=(\S+)\s*$/, (_m, map: string) => `\n//# sourceMappingURL=${new URL(map, absolute).href}`);
  return `"use strict";${body}\n//# sourceURL=${absolute.href}\n`;
}

export class RunnerSandbox {
  private readonly frame: HTMLIFrameElement;
  private readonly workers = new Map<number, SandboxedWorker>();
  private nextId = 1;
  private queue: ToHost[] = [];
  private open = false;
  private failure: string | null = null;
  private hostReady = false;
  private source: string | null = null;
  private readonly startTimer: ReturnType<typeof setTimeout>;

  constructor(options: SandboxOptions) {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.hidden = true;
    frame.title = 'attn snippet runner';
    frame.src = options.hostUrl;
    this.frame = frame;
    window.addEventListener('message', this.onMessage);
    (options.container ?? document.body).append(frame);
    this.startTimer = setTimeout(() => this.fail(`the runner sandbox (${options.hostUrl}) did not load`), HOST_START_TIMEOUT_MS);
    // Fetched by the page (the sandbox has no network), same origin and cacheable.
    fetch(options.scriptUrl, { credentials: 'omit' })
      .then(async (response) => {
        if (!response.ok) throw new Error(`GET ${options.scriptUrl} answered ${response.status}`);
        this.source = prepareScript(await response.text(), options.scriptUrl);
        this.flush();
      })
      .catch((error: unknown) => this.fail(`the runner script could not be loaded: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Set once the frame or the script could not be loaded; every worker of this sandbox then fails at once. */
  get failed(): boolean {
    return this.failure !== null;
  }

  createWorker(): RunnerWorker {
    const worker = new SandboxedWorker(this.nextId++, this);
    if (this.failure) {
      const reason = this.failure;
      // Asynchronously, as a Worker reports a script that failed to load: the pool attaches its handlers first.
      queueMicrotask(() => worker.onerror?.(new ErrorEvent('error', { message: reason })));
      return worker;
    }
    this.workers.set(worker.id, worker);
    this.send({ type: 'spawn', worker: worker.id });
    return worker;
  }

  /** @internal used by SandboxedWorker */
  send(message: ToHost): void {
    if (this.failure) return;
    if (this.open) this.post(message);
    else this.queue.push(message);
  }

  /** @internal */
  forget(id: number): void {
    this.workers.delete(id);
  }

  private post(message: ToHost): void {
    // '*': the frame's origin is opaque, so it has no name to target; the frame is ours (we made it, from our own URL).
    this.frame.contentWindow?.postMessage(message, '*');
  }

  private flush(): void {
    if (this.open || this.failure || !this.hostReady || this.source === null) return;
    this.open = true;
    this.post({ type: 'source', source: this.source });
    const queued = this.queue;
    this.queue = [];
    queued.forEach((message) => this.post(message));
  }

  private readonly onMessage = (event: MessageEvent): void => {
    // Only our frame speaks this protocol; every other window's messages are not for us.
    if (event.source !== this.frame.contentWindow || event.source === null) return;
    const message = event.data as FromHost;
    if (typeof message !== 'object' || message === null) return;
    if (message.type === 'host-ready') {
      this.hostReady = true;
      clearTimeout(this.startTimer);
      this.flush();
      return;
    }
    const worker = this.workers.get(message.worker);
    if (!worker) return;
    if (message.type === 'message') worker.onmessage?.(new MessageEvent('message', { data: message.data }));
    else if (message.type === 'error') worker.onerror?.(new ErrorEvent('error', { message: message.message }));
  };

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    clearTimeout(this.startTimer);
    this.queue = [];
    window.removeEventListener('message', this.onMessage);
    this.frame.remove();
    const workers = [...this.workers.values()];
    this.workers.clear();
    workers.forEach((worker) => worker.onerror?.(new ErrorEvent('error', { message: reason })));
  }
}

class SandboxedWorker implements RunnerWorker {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  private terminated = false;

  constructor(
    readonly id: number,
    private readonly sandbox: RunnerSandbox,
  ) {}

  postMessage(message: ToWorker): void {
    if (!this.terminated) this.sandbox.send({ type: 'post', worker: this.id, message });
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.onmessage = null;
    this.onerror = null;
    this.sandbox.forget(this.id);
    this.sandbox.send({ type: 'terminate', worker: this.id });
  }
}
