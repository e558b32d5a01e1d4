import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The client is a Vite app rooted at client/; the server serves dist/client in production.
export default defineConfig({
  root: 'client',
  publicDir: false,
  plugins: [react()],
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
