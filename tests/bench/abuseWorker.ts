/**
 * The abusive client of the abuse bench, in a worker thread so that its own CPU (encoding
 * megabyte updates, awareness messages as long as the server takes) never lands in the event loop that measures
 * the healthy room. It runs, all at once and for as long as it is told, every attack issue 12
 * measured against one room: growing the doc towards 50 MB, flooding awareness ids, opening
 * sockets until refused, and sending hostile updates (a __proto__ key, a pending struct).
 */
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { boardCode, boardSession } from '../../shared/doc.js';
import { MessageType, SYNC_LIMITS } from '../../shared/protocol.js';
import { encodeAwarenessUpdate } from '../../server/sync/awareness.js';

export interface AbuseInit {
  kind: 'abuse';
  wsUrl: string;
  roomId: string;
  tokens: { interviewer: string; candidate: string; observer: string };
  /** bytes per doc-growing update (under ATTN_MAX_MESSAGE_BYTES) */
  growBytes: number;
}

export interface AbuseCounters {
  growBytesSent: number;
  awarenessMessages: number;
  socketsOpened: number;
  hostileSent: number;
  /** close codes the server answered with, and how often */
  closes: Record<string, number>;
}

const init = workerData as AbuseInit;
const counters: AbuseCounters = { growBytesSent: 0, awarenessMessages: 0, socketsOpened: 0, hostileSent: 0, closes: {} };
let stopping = false;
const open = new Set<WebSocket>();

function frame(type: number, write: (enc: encoding.Encoder) => void): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, type);
  write(enc);
  return encoding.toUint8Array(enc);
}
const updateFrame = (update: Uint8Array) => frame(MessageType.Sync, (enc) => syncProtocol.writeUpdate(enc, update));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens a socket; resolves once it is open, or with null when the server refused it at once. */
function connect(doc: 'board' | 'panel', token: string): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${init.wsUrl}/sync/${init.roomId}/${doc}?token=${token}`);
    let opened = false;
    ws.on('open', () => {
      opened = true;
      counters.socketsOpened++;
      open.add(ws);
      // A refusal at the upgrade arrives as a close right after the open: give it a moment.
      setTimeout(() => resolve(ws.readyState === WebSocket.OPEN ? ws : null), 20);
    });
    ws.on('message', () => undefined);
    ws.on('close', (code) => {
      open.delete(ws);
      counters.closes[code] = (counters.closes[code] ?? 0) + 1;
      if (!opened) resolve(null);
    });
    ws.on('error', () => resolve(null));
  });
}

/** Waits until the socket's send buffer drains (a fast client, not an infinitely fast one). */
async function drained(ws: WebSocket): Promise<void> {
  while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount > 0) await sleep(1);
}

/**
 * Made before the attack starts, so that while it runs this thread only writes bytes: on a small
 * machine the abuser's own CPU would otherwise be what slows the server down.
 */
const GROW_UPDATES = Array.from({ length: 48 }, (_, n) => {
  const d = new Y.Doc();
  boardCode(d).insert(0, String.fromCharCode(97 + (n % 26)).repeat(init.growBytes));
  return updateFrame(Y.encodeStateAsUpdate(d));
});
const AWARENESS_FRAMES = Array.from({ length: 30 }, (_, m) => {
  // As many entries as one message may list (more is closed at once): the most work a message can ask.
  const n = SYNC_LIMITS.MAX_AWARENESS_ENTRIES_PER_MESSAGE;
  const entries = Array.from({ length: n }, (_, i) => ({ clientId: m * n + i + 1, clock: 1, state: { user: { name: 'bot' } } }));
  return frame(MessageType.Awareness, (enc) => encoding.writeVarUint8Array(enc, encodeAwarenessUpdate(entries)));
});

async function grow(): Promise<void> {
  let n = 0;
  while (!stopping) {
    const ws = await connect('board', init.tokens.candidate);
    if (!ws) {
      await sleep(10);
      continue;
    }
    while (!stopping && ws.readyState === WebSocket.OPEN) {
      const update = GROW_UPDATES[n++ % GROW_UPDATES.length]!;
      ws.send(update);
      counters.growBytesSent += update.byteLength;
      await drained(ws);
      await sleep(0);
    }
  }
}

async function awarenessFlood(): Promise<void> {
  let next = 0;
  while (!stopping) {
    const ws = await connect('board', init.tokens.interviewer);
    if (!ws) {
      await sleep(10);
      continue;
    }
    while (!stopping && ws.readyState === WebSocket.OPEN) {
      ws.send(AWARENESS_FRAMES[next++ % AWARENESS_FRAMES.length]!);
      counters.awarenessMessages++;
      await drained(ws);
      await sleep(0);
    }
  }
}

async function socketFlood(): Promise<void> {
  while (!stopping) {
    const ws = await connect('board', init.tokens.observer);
    if (!ws) await sleep(50);
  }
}

async function hostile(): Promise<void> {
  let n = 0;
  while (!stopping) {
    const ws = await connect('board', init.tokens.interviewer);
    if (!ws) {
      await sleep(10);
      continue;
    }
    const d = new Y.Doc();
    if (n++ % 2 === 0) {
      d.getMap('elements').set(`__proto__/x/${n}`, { polluted: true });
    } else {
      // a forged current question, waiting on a clock the server never saw
      d.getMap('elements').set(`decoy-${n}`, 1);
      const sv = Y.encodeStateVector(d);
      boardSession(d).set('current', { id: 'forged', title: 'forged', prompt: '', minutes: 1, startedAt: 0 });
      ws.send(updateFrame(Y.encodeStateAsUpdate(d, sv)));
      counters.hostileSent++;
      await sleep(5);
      continue;
    }
    ws.send(updateFrame(Y.encodeStateAsUpdate(d)));
    counters.hostileSent++;
    await sleep(5);
  }
}

parentPort!.on('message', (msg: 'stop') => {
  if (msg !== 'stop') return;
  stopping = true;
  for (const ws of open) ws.terminate();
  setTimeout(() => parentPort!.postMessage({ type: 'counters', counters }), 100);
});

/** BENCH_ABUSE_ACTORS=grow,awareness,sockets,hostile (default: all) runs only some, to see which one costs what. */
const ACTORS: Record<string, () => Promise<void>> = { grow, awareness: awarenessFlood, sockets: socketFlood, hostile };
const chosen = (process.env.BENCH_ABUSE_ACTORS ?? Object.keys(ACTORS).join(',')).split(',').map((a) => a.trim());
void Promise.all(chosen.filter((a) => ACTORS[a]).map((a) => ACTORS[a]!()));
parentPort!.postMessage({ type: 'started' });
