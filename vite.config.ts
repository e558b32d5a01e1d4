import { defineConfig, type Plugin, type Rolldown } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

/**
 * `<link rel="modulepreload">` in index.html for the room page's chunks (RoomPage, CodeMirror,
 * Yjs: ~190 kB brotli), which are otherwise requested only once the entry chunk has run and
 * React has rendered the route. Measured on the candidate's cold load: that second round of
 * requests started 325 ms after the entry had arrived and took 350 ms more, all before the pad.
 * Preloaded, they download beside the entry chunk. Every route gets them (index.html is one
 * file): the landing page is mostly followed by opening a room, and they are cached for a year.
 */
function preloadRoomChunks(): Plugin {
  return {
    name: 'attn:preload-room-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle || !ctx.chunk) return;
        const room = Object.values(bundle).find(
          (out): out is Rolldown.OutputChunk => out.type === 'chunk' && (out.facadeModuleId ?? '').endsWith('/client/room/RoomPage.tsx'),
        );
        if (!room) throw new Error('attn:preload-room-chunks: no chunk for client/room/RoomPage.tsx');
        const loadedByEntry = new Set([ctx.chunk.fileName, ...ctx.chunk.imports]);
        const files = new Set<string>();
        const walk = (chunk: Rolldown.OutputChunk) => {
          if (loadedByEntry.has(chunk.fileName) || files.has(chunk.fileName)) return;
          files.add(chunk.fileName);
          for (const name of chunk.imports) {
            const next = bundle[name];
            if (next?.type === 'chunk') walk(next);
          }
        };
        walk(room);
        return [...files].map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

// The client is a Vite app rooted at client/; the server serves dist/client in production.
export default defineConfig({
  root: 'client',
  publicDir: false,
  plugins: [
    react(),
    // Brotli (quality 11) and gzip (level 9) copies of every text asset, written once at build
    // time and picked per request by server/http/assets.ts: the server never compresses on the fly.
    preloadRoomChunks(),
    compression({ algorithms: ['brotliCompress', 'gzip'], logLevel: 'silent' }),
  ],
  // The snippet runner's worker: ONE self-contained file with a predictable name. The page
  // fetches it and the sandbox frame evaluates it in an opaque-origin worker
  // (client/runner/sandbox.ts, server/http/runnerHost.ts), which has no network to load a second
  // chunk from; it must not use import/export or import.meta either. The server still knows it by
  // name to send it with a no-network CSP of its own (server/http/static.ts).
  worker: {
    format: 'es',
    rolldownOptions: {
      output: {
        entryFileNames: 'assets/attn-runner-[hash].js',
        codeSplitting: false,
      },
    },
  },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/sync': { target: 'ws://localhost:8080', ws: true },
      '/excalidraw-assets': 'http://localhost:8080',
      '/tfjs-wasm': 'http://localhost:8080',
    },
  },
});
