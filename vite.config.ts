import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

// The client is a Vite app rooted at client/; the server serves dist/client in production.
export default defineConfig({
  root: 'client',
  publicDir: false,
  plugins: [
    react(),
    // Brotli (quality 11) and gzip (level 9) copies of every text asset, written once at build
    // time and picked per request by server/http/assets.ts: the server never compresses on the fly.
    compression({ algorithms: ['brotliCompress', 'gzip'], logLevel: 'silent' }),
  ],
  // The snippet runner's worker: an ES module in ONE file with a predictable name, because the
  // server recognises it by name to send it with its own no-network CSP (server/http/static.ts),
  // and that CSP allows no script sources, so the worker could not load a second chunk.
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
