/** What the sync, scale and abuse benches do with their y-websocket clients, written once. */
import type { WebsocketProvider } from 'y-websocket';

/** Resolves once the provider has synced with the server; a bench client that can't in 30 s is a failed run. */
export function synced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('a bench client did not sync within 30 s')), 30_000);
    provider.on('sync', (ok: boolean) => {
      if (ok) {
        clearTimeout(t);
        resolve();
      }
    });
  });
}
