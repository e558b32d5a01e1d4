import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import { FATAL_CLOSE_CODES, syncProtocols, type DocName } from '../../shared/protocol.js';

export interface SyncProviderOptions {
  token: string;
  /** Extra URL parameters, never secrets: a failed socket's URL is printed in the console. */
  params?: Record<string, string>;
  awareness?: Awareness;
  /** Node's `ws` for tests; the browser's WebSocket otherwise. */
  WebSocketPolyfill?: typeof WebSocket;
}

/**
 * The one way our client opens a sync socket, so every doc gets the same two protections:
 *
 * - the token travels as a WebSocket subprotocol (shared/protocol.ts syncProtocols), not in the
 *   URL, so "WebSocket connection to 'ws://…' failed" in the console never shows it;
 * - `disableBc`: y-websocket otherwise mirrors the doc over a same-origin BroadcastChannel named
 *   after the URL, and anything running in our origin (a candidate's snippet, once) could read
 *   the panel from it and write into it with the interviewer's socket.
 */
export function openSyncProvider(serverUrl: string, doc: DocName, ydoc: Y.Doc, opts: SyncProviderOptions): WebsocketProvider {
  return new WebsocketProvider(serverUrl, doc, ydoc, {
    protocols: syncProtocols(opts.token),
    params: opts.params ?? {},
    disableBc: true,
    ...(opts.awareness ? { awareness: opts.awareness } : {}),
    ...(opts.WebSocketPolyfill ? { WebSocketPolyfill: opts.WebSocketPolyfill } : {}),
    // Ours, not the provider's 44xx default: the contract is the shared FATAL_CLOSE_CODES set.
    shouldReconnect: (event) => !FATAL_CLOSE_CODES.has(event.code),
  });
}
