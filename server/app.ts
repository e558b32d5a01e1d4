/**
 * Assembles attn: store, HTTP routes, static client, WebSocket sync. `startAttn` is what main.ts,
 * the integration tests and the benchmarks all call, so they exercise the same server.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import type { Config } from './config.js';
import { createChallengeRegistry, type ChallengeRegistry } from './challenges/registry.js';
import { liveKitEgress, liveKitParticipants, type EgressPort } from './av/livekit.js';
import { attachmentsRouter } from './http/attachments.js';
import { avRouter } from './http/av.js';
import { challengeVerifyRouter, challengesRouter } from './http/challenges.js';
import { diagramsRouter } from './http/diagrams.js';
import { errorHandler, HttpError } from './http/errors.js';
import { filesRouter } from './http/files.js';
import { historyRouter } from './http/history.js';
import { interviewRouter } from './http/interview.js';
import { practiceRouter } from './http/practice.js';
import { roomsRouter } from './http/rooms.js';
import { runnerHostRouter } from './http/runnerHost.js';
import { setAppPageHeaders } from './http/csp.js';
import { clientStatic, tfjsWasmRouter } from './http/static.js';
import { templates as builtInTemplates } from '../questions/index.js';
import { validateAttachments, type AttachmentContext } from './questions/attachments.js';
import { loadBank, templateViews } from './questions/bank.js';
import type { QuestionBank } from './questions/load.js';
import { createLogger, type Logger, type LogSink } from './log.js';
import { REPO_ROOT } from './paths.js';
import type { Store } from './store/port.js';
import type { Bus } from './bus/port.js';
import { openBus } from './bus/open.js';
import { openStore } from './store/open.js';
import { SyncServer } from './sync/syncServer.js';

const EXCALIDRAW_FONTS = path.join(REPO_ROOT, 'node_modules/@excalidraw/excalidraw/dist/prod/fonts');

export interface AttnServer {
  url: string;
  port: number;
  store: Store;
  sync: SyncServer;
  questions: QuestionBank;
  log: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  store?: Store;
  logSink?: LogSink;
  /** Defaults to loading config.questionsDir, challenges and diagrams included (a bad file throws QuestionBankError). */
  questions?: QuestionBank;
  /** Defaults to the loaded bank's challenges (the built-in ones when `questions` is given); each question's `challenge` must be in it. */
  challenges?: ChallengeRegistry;
  /** Defaults to LiveKit Egress when config.livekit.egress; tests hand in a fake. */
  egress?: EgressPort | null;
  /** Defaults to Redis when config.redisUrl, else a private in-process bus. Not closed by close() when given. */
  bus?: Bus;
  /** This instance's name on the bus (random by default). */
  instanceId?: string;
}

export async function startAttn(config: Config, options: StartOptions = {}): Promise<AttnServer> {
  const log = createLogger(config.logLevel, options.logSink);
  // Load the bank before opening anything: a bad question file stops start-up with one line.
  const bank = options.questions ? null : await loadBank(config.questionsDir);
  const questions = options.questions ?? bank!.questions;
  const challenges =
    options.challenges ??
    createChallengeRegistry(
      bank ? { definitions: bank.challenges.map((c) => c.definition), sources: new Map(bank.challenges.map((c) => [c.definition.id, c.sourceFile])) } : {},
    );
  const diagrams = bank?.diagrams ?? builtInTemplates;
  const attachments: AttachmentContext = { challenges, diagramIds: diagrams.map((t) => t.id) };
  validateAttachments(questions, attachments);
  const store = options.store ?? (await openStore(config, log));
  const ownBus = !options.bus;
  let bus: Bus;
  try {
    bus = options.bus ?? (await openBus(config.redisUrl, log));
  } catch (err) {
    if (!options.store) await store.close();
    throw err;
  }
  const sync = new SyncServer({
    store,
    log,
    bus,
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    maxMessageBytes: config.maxMessageBytes,
    snapshotEveryUpdates: config.snapshotEveryUpdates,
    roomIdleMs: config.roomIdleMs,
    pingIntervalMs: config.pingIntervalMs,
    frameSliceMs: config.frameSliceMs,
    limits: {
      maxDocBytes: config.maxDocBytes,
      maxAwarenessPerConn: config.maxAwarenessPerConn,
      maxSocketsPerIp: config.maxSocketsPerIp,
      maxSocketsPerRoom: config.maxSocketsPerRoom,
      maxRoomBytesPerSec: config.maxRoomBytesPerSec,
    },
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Behind N proxies, req.ip is the client's address from X-Forwarded-For (per-address limits);
  // 0 (the default) never believes the header, which any client can write.
  app.set('trust proxy', config.trustProxy);
  app.use((req, res, next) => {
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    // Paths only: query strings may carry secrets in other deployments' habits, so never log them.
    log.debug('http', { method: req.method, path: req.path });
    next();
  });

  // A load balancer only needs the 200. How many rooms and sockets are live (and which store and
  // instance) is for operators: shown only to ATTN_HEALTH_TOKEN, never to a stranger probing rooms.
  const healthDigest = config.healthToken ? createHash('sha256').update(`Bearer ${config.healthToken}`).digest() : null;
  app.get('/healthz', (req, res) => {
    const sent = createHash('sha256').update(req.get('authorization') ?? '').digest();
    if (!healthDigest || !timingSafeEqual(sent, healthDigest)) {
      res.set('Cache-Control', 'no-store').json({ ok: true });
      return;
    }
    res.set('Cache-Control', 'no-store').json({ ok: true, store: store.kind, bus: bus.kind, instance: sync.instanceId, ...sync.stats() });
  });
  // Before the 64 kB parser: a check's outputs can be larger, and this route reads its body only after auth.
  app.use('/api/rooms/:roomId', challengeVerifyRouter({ store, sync, challenges }));
  app.use('/api', express.json({ limit: '64kb' }));
  const avParticipants = config.livekit ? liveKitParticipants(config.livekit) : null;
  app.use(
    '/api/rooms',
    roomsRouter({
      store,
      sync,
      questions,
      publicUrl: config.publicUrl,
      allowedHosts: config.allowedHosts,
      createToken: config.createToken,
      roomCreatePerMinute: config.roomCreatePerMinute,
      avParticipants,
      log,
    }),
  );
  app.use('/api/rooms/:roomId', interviewRouter({ store, sync, questions, attachments }));
  app.use('/api/rooms/:roomId', practiceRouter({ store, sync, questions, attachments }));
  app.use('/api/rooms/:roomId', attachmentsRouter({ store, sync }));
  app.use('/api/rooms/:roomId', challengesRouter({ store, challenges }));
  app.use('/api/rooms/:roomId', diagramsRouter({ store, templates: templateViews(diagrams, questions) }));
  app.use('/api/rooms/:roomId/files', filesRouter({ store, maxRoomBytes: config.maxUploadBytesPerRoom }));
  app.use('/api/rooms/:roomId', historyRouter({ store, recordingsUrl: config.recordingsUrl }));
  const egress = options.egress !== undefined ? options.egress : config.livekit?.egress ? liveKitEgress(config.livekit) : null;
  app.use('/api/rooms/:roomId', avRouter({ store, livekit: config.livekit, egress: config.livekit ? egress : null, log }));
  app.use('/api', (req) => {
    throw new HttpError(404, 'not_found', `No API route ${req.method} ${req.path}.`);
  });

  // Excalidraw's fonts come from us, never a CDN: attn must work on a network with no internet.
  app.use('/excalidraw-assets/fonts', express.static(EXCALIDRAW_FONTS, { immutable: true, maxAge: '365d', fallthrough: false }));
  // Likewise the snippet runner's tfjs wasm binaries.
  app.use('/tfjs-wasm', tfjsWasmRouter());
  app.use(runnerHostRouter()); // candidate code runs in there, in an opaque origin

  const clientDir = config.clientDir;
  const indexHtml = path.join(clientDir, 'index.html');
  app.use(clientStatic(clientDir));
  const cspOptions = { livekitUrl: config.livekit?.url, recordingsUrl: config.recordingsUrl };
  app.get(['/', '/r/:roomId', '/r/:roomId/scorecard', '/replay/:roomId', '/practice/history'], (req, res) => {
    setAppPageHeaders(req, res, cspOptions);
    if (!fs.existsSync(indexHtml)) {
      res.status(503).type('text/plain').send('The attn client is not built yet: run `npm run build` (npm start does it for you).');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(indexHtml);
  });
  app.use((req, res) => {
    // Browsers get the client's own friendly 404 page; everything else a one-line answer.
    if (req.method === 'GET' && req.accepts(['html', 'text']) === 'html' && fs.existsSync(indexHtml)) {
      setAppPageHeaders(req, res, cspOptions);
      res.status(404).set('Cache-Control', 'no-cache').sendFile(indexHtml);
      return;
    }
    res.status(404).type('text/plain').send(`Not found: ${req.path}`);
  });
  app.use(errorHandler(log));

  const server = http.createServer(app);
  await sync.start();
  sync.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;

  let closed: Promise<void> | null = null;
  return {
    url,
    port,
    store,
    sync,
    questions,
    log,
    close() {
      closed ??= (async () => {
        await sync.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (ownBus) await bus.close();
        await store.close();
      })();
      return closed;
    },
  };
}
