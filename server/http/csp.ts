/**
 * The Content-Security-Policy of every app page (index.html and the 404 page, which is the same
 * document). It is the second wall behind escaping: should markup from a title, a name or an
 * upload ever reach the DOM, it can run nothing, load nothing from elsewhere and send nothing out.
 *
 * Each source below is one the app was seen to need in Chromium (every e2e suite fails on a
 * violation, tests/support/browser.ts):
 * - script-src 'self': the bundle only; no inline script, no eval. 'wasm-unsafe-eval' because
 *   Excalidraw compiles its font subsetting wasm (harfbuzz, woff2) when exporting a PNG or SVG.
 *   Excalidraw does that in a worker; only when the worker fails does it fall back to the page,
 *   where the wasm's glue needs `new Function`: refused here on purpose (no 'unsafe-eval' for one
 *   fallback), and the export goes on without subsetting (tests/support/browser.ts).
 * - style-src 'unsafe-inline': Excalidraw and CodeMirror set style attributes and inject <style>
 *   elements at run time, and index.html carries its critical CSS inline. Styles can't run code.
 * - img-src blob: data:: board images are shown from blob and data URLs the page makes from
 *   bytes it fetched with the token (an <img> can't send it); the favicon is a data URL.
 * - font-src 'self' data: https://esm.sh: Excalidraw's fonts come from /excalidraw-assets, and
 *   exports inline them. Excalidraw also names its CDN as every font face's second source, and
 *   Chromium checks each listed source against the policy when a face is created, so without the
 *   CDN every face logs a violation; the CDN is never fetched while our own copy answers, and it
 *   can only ever serve a font.
 * - connect-src: our REST API and the sync socket ('self' covers ws: and wss: to the same host
 *   in CSP3 browsers; the explicit ws(s) source keeps older ones working), LiveKit when set.
 * - worker-src 'self' blob:: the snippet runner worker, and Excalidraw's subsetting worker.
 * - frame-src 'self': the snippet runner's sandboxed host page (/runner-host).
 * - media-src: the LiveKit call (blob/mediastream) and the replay's Egress recording, which is
 *   served from a bucket or CDN that Egress names at run time.
 */
import type { Request, Response } from 'express';

export interface AppCspOptions {
  /** LiveKit's browser URL (ws:// or wss://), when audio/video is on */
  livekitUrl?: string | undefined;
  /** ATTN_RECORDINGS_URL, when set */
  recordingsUrl?: string | undefined;
}

const origin = (url: string) => new URL(url).origin;

/** The policy for one request; `host` is the request's Host (its socket URL is the same host). */
export function appCsp(options: AppCspOptions, host: string | undefined, secure: boolean): string {
  const connect = ["'self'"];
  if (host && /^[a-z0-9.[\]:-]+$/i.test(host)) connect.push(`${secure ? 'wss' : 'ws'}://${host}`);
  if (options.livekitUrl) {
    const lk = new URL(options.livekitUrl);
    // livekit-client opens the signal socket and also calls the same server over http(s).
    connect.push(lk.origin.replace(/^http/, 'ws'), lk.origin.replace(/^ws/, 'http'));
  }
  const media = ["'self'", 'blob:', 'mediastream:', 'https:'];
  if (options.recordingsUrl) media.push(origin(options.recordingsUrl));
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data: https://esm.sh",
    `connect-src ${connect.join(' ')}`,
    "worker-src 'self' blob:",
    "frame-src 'self'",
    `media-src ${[...new Set(media)].join(' ')}`,
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Sets the page's CSP (and its older cousin for framing) on a response that sends index.html. */
export function setAppPageHeaders(req: Request, res: Response, options: AppCspOptions): void {
  res.set({
    'Content-Security-Policy': appCsp(options, req.get('host'), req.secure),
    'X-Frame-Options': 'DENY',
  });
}
