import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The client is a Vite app rooted at client/; the server serves dist/client in production.
export default defineConfig({
  root: 'client',
  publicDir: false,
  plugins: [react()],
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
    },
  },
});
