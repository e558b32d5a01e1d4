/**
 * Audio/video: LiveKit access tokens for the room's call, and the interviewer's recording
 * (LiveKit Egress). With no LiveKit configured every route answers 503 `av_disabled`, except
 * GET /av, which tells the client to show the "off" notice.
 */
import { Router } from 'express';
import { AvTokenBody, type AvStatusResponse, type AvTokenResponse, type AvRecordingInfo } from '../../shared/api.js';
import { mintAvToken, type EgressPort } from '../av/livekit.js';
import type { LiveKitConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { RecordingRecord, Store } from '../store/port.js';
import { requireCapability } from './auth.js';
import { HttpError, zodMessage } from './errors.js';

export interface AvDeps {
  store: Store;
  livekit: LiveKitConfig | null;
  /** Null unless LIVEKIT_EGRESS=1. */
  egress: EgressPort | null;
  log: Logger;
}

const toInfo = (r: RecordingRecord): AvRecordingInfo => ({ egressId: r.egressId, startedAt: r.startedAt, stoppedAt: r.stoppedAt });

/** The recording still running in a room: the latest one not stopped. */
async function activeRecording(store: Store, roomId: string): Promise<RecordingRecord | null> {
  const all = await store.listRecordings(roomId);
  for (let i = all.length - 1; i >= 0; i--) if (all[i]!.stoppedAt === null) return all[i]!;
  return null;
}

export function avRouter({ store, livekit, egress, log }: AvDeps): Router {
  const r = Router({ mergeParams: true });

  const requireLiveKit = (): LiveKitConfig => {
    if (!livekit) {
      throw new HttpError(503, 'av_disabled', 'Audio/video is off on this server: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET.');
    }
    return livekit;
  };
  const requireEgress = (): EgressPort => {
    requireLiveKit();
    if (!egress) throw new HttpError(503, 'egress_disabled', 'Recording is off on this server: set LIVEKIT_EGRESS=1 and run LiveKit Egress.');
    return egress;
  };
  const unreachable = (action: string, err: unknown): HttpError => {
    log.warn('livekit egress failed', { action, err: String(err) });
    return new HttpError(502, 'livekit_unreachable', `Could not ${action} the recording: LiveKit Egress at ${livekit!.apiUrl} did not answer (${errorText(err)}).`);
  };

  r.get('/av', requireCapability(store, 'av.join'), async (req, res) => {
    const active = livekit ? await activeRecording(store, req.authed!.room.id) : null;
    const body: AvStatusResponse = { enabled: livekit !== null, egress: livekit !== null && egress !== null, recording: active && toInfo(active) };
    res.json(body);
  });

  r.post('/av-token', requireCapability(store, 'av.join'), async (req, res) => {
    const lk = requireLiveKit();
    const body = AvTokenBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
    const { room, link } = req.authed!;
    const minted = await mintAvToken(lk, { role: link.role, linkId: link.id, roomId: room.id, name: body.data.name, kind: room.kind });
    const answer: AvTokenResponse = { url: lk.url, ...minted };
    res.set('Cache-Control', 'no-store').json(answer);
  });

  r.post('/recording/start', requireCapability(store, 'recording.control'), async (req, res) => {
    const eg = requireEgress();
    const roomId = req.authed!.room.id;
    const running = await activeRecording(store, roomId);
    if (running) throw new HttpError(409, 'already_recording', 'This call is already being recorded; stop that recording first.');
    let egressId: string;
    try {
      ({ egressId } = await eg.startRoomComposite(roomId));
    } catch (err) {
      throw unreachable('start', err);
    }
    // Our clock, taken when Egress accepted: playback lines the file up with the update log's ts.
    const record: RecordingRecord = { roomId, egressId, startedAt: Date.now(), stoppedAt: null, file: null };
    await store.addRecording(record);
    res.status(201).json({ recording: toInfo(record) });
  });

  r.post('/recording/stop', requireCapability(store, 'recording.control'), async (req, res) => {
    const eg = requireEgress();
    const roomId = req.authed!.room.id;
    const running = await activeRecording(store, roomId);
    if (!running) throw new HttpError(409, 'not_recording', 'Nothing is being recorded in this call.');
    let file: string | null;
    try {
      ({ file } = await eg.stop(running.egressId));
    } catch (err) {
      throw unreachable('stop', err);
    }
    if (!file) log.warn('livekit egress named no output file; the replay will have no recording', { egressId: running.egressId });
    const stopped = (await store.stopRecording(roomId, running.egressId, Date.now(), file))!;
    res.json({ recording: toInfo(stopped) });
  });

  return r;
}

function errorText(err: unknown): string {
  const e = err as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  const text = typeof e?.message === 'string' ? e.message : String(err);
  return typeof cause === 'string' && !text.includes(cause) ? `${text}: ${cause}` : text;
}
