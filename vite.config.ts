import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The client is a Vite app rooted at client/; the server serves dist/client in production.
export default defineConfig({
  root: 'client',
  publicDir: false,
  plugins: [react()],
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
