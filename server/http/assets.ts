/**
 * How the built client goes over the wire.
 *
 * Compression happens once, at build time: vite-plugin-compression2 (vite.config.ts) writes
 * `<file>.br` and `<file>.gz` beside every text asset, and express-static-gzip picks the variant
 * the browser accepts (brotli first; identity when it accepts neither) with `Content-Encoding` and
 * `Vary: Accept-Encoding`, so the server never spends CPU compressing per request. The index chunk
 * goes from 328 kB to ~85 kB (br) this way.
 *
 * Caching follows the file names: Vite names everything under assets/ `<name>-<hash>.<ext>`, so
 * a changed file is a new URL and the old one can be kept for a year without asking
 * (`immutable`: not even revalidated on reload). Anything else (index.html, which names the
 * current hashes) is `no-cache`: always revalidated, so a deploy reaches the next page load.
 */
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import expressStaticGzip from 'express-static-gzip';

export const HASHED_ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

/** The encodings the build writes, in the order we prefer them when a browser takes both. */
export const PRECOMPRESSED_ENCODINGS = ['br', 'gzip'] as const;

/** Vite's `[name]-[hash].[ext]` (8-character base64url hash), plus its `.map` twin. */
const HASHED_NAME = /-[\w-]{8}\.[a-z0-9]+(?:\.map)?$/i;
const COMPRESSED_SUFFIX = /\.(?:br|gz)$/;

/** True for a file whose name changes whenever its content does (safe to cache for a year). */
export function isHashedAsset(filePath: string): boolean {
  return path.basename(path.dirname(filePath)) === 'assets' && HASHED_NAME.test(path.basename(filePath));
}

/**
 * Static files from `root`, precompressed variants preferred. `setHeaders` sees the path of the
 * file the URL names (`x.js`, not the `x.js.br` actually sent), so per-file headers such as the
 * runner worker's CSP hold whichever variant goes out.
 *
 * express-static-gzip lists `root` once, when this is called: start the server after building.
 */
export function precompressedStatic(root: string, setHeaders?: (res: ServerResponse, filePath: string) => void): RequestHandler {
  return expressStaticGzip(root, {
    enableBrotli: true,
    orderPreference: [...PRECOMPRESSED_ENCODINGS],
    index: false,
    serveStatic: {
      index: false,
      cacheControl: false,
      setHeaders(res: ServerResponse, sentPath: string) {
        const filePath = sentPath.replace(COMPRESSED_SUFFIX, '');
        res.setHeader('Cache-Control', isHashedAsset(filePath) ? HASHED_ASSET_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL);
        setHeaders?.(res, filePath);
      },
    },
  }) as RequestHandler;
}
