import { describe, expect, it } from 'vitest';
import { EncodedFileOutput, EncodedFileType, TokenVerifier } from 'livekit-server-sdk';
import { avIdentity, egressOutputFile, grantsFor, isLinkIdentity, liveKitEgress, mintAvToken, recordingFilepath, recordingUrl, type EgressApi } from '../../server/av/livekit.js';
import type { LiveKitConfig } from '../../server/config.js';

const LK: LiveKitConfig = { url: 'ws://lk', apiUrl: 'http://lk', apiKey: 'devkey', apiSecret: 'secret', egress: true };

describe('LiveKit grants', () => {
  it('observers may only subscribe, explicitly', () => {
    expect(grantsFor('observer', 'r1')).toEqual({
      room: 'r1',
      roomJoin: true,
      canPublish: false,
      canSubscribe: true,
      canPublishData: false,
      roomAdmin: false,
      roomRecord: false,
    });
  });

  it('mints a token TokenVerifier accepts', async () => {
    const { token, identity } = await mintAvToken(LK, { role: 'candidate', linkId: 'L1', roomId: 'r1', name: 'Cam' });
    const claims = await new TokenVerifier('devkey', 'secret').verify(token);
    expect(claims.sub).toBe(identity);
    expect(claims.video).toEqual(grantsFor('candidate', 'r1'));
  });
});

describe('Egress request building', () => {
  it('asks for a room composite of the room to an MP4 file, and stops by id', async () => {
    const seen: unknown[][] = [];
    const api = {
      startRoomCompositeEgress: async (...args: unknown[]) => {
        seen.push(['start', ...args]);
        return { egressId: 'EG_x' };
      },
      stopEgress: async (id: string) => {
        seen.push(['stop', id]);
        return {};
      },
    } as unknown as EgressApi;
    const egress = liveKitEgress(LK, api);
    expect(await egress.startRoomComposite('room1234')).toEqual({ egressId: 'EG_x' });
    await egress.stop('EG_x');
    const [start, stop] = seen;
    expect(start![1]).toBe('room1234');
    const file = (start![2] as { file: EncodedFileOutput }).file;
    expect(file).toBeInstanceOf(EncodedFileOutput);
    expect(file.fileType).toBe(EncodedFileType.MP4);
    expect(file.filepath).toBe(recordingFilepath('room1234'));
    expect(file.filepath).toContain('{time}');
    expect(start![3]).toEqual({ layout: 'speaker' });
    expect(stop).toEqual(['stop', 'EG_x']);
  });

  it('refuses an answer without an egress id', async () => {
    const api = { startRoomCompositeEgress: async () => ({ egressId: '' }), stopEgress: async () => ({}) } as unknown as EgressApi;
    await expect(liveKitEgress(LK, api).startRoomComposite('r')).rejects.toThrow(/without an egress id/);
  });
});

describe('where the recording file is', () => {
  it('takes the output file from the EgressInfo a stop returns', async () => {
    const api = {
      startRoomCompositeEgress: async () => ({ egressId: 'EG_x' }),
      stopEgress: async () => ({ fileResults: [{ filename: 'attn/r1/2026-01-01T000000.mp4', location: '' }] }),
    } as unknown as EgressApi;
    expect(await liveKitEgress(LK, api).stop('EG_x')).toEqual({ file: 'attn/r1/2026-01-01T000000.mp4' });
    expect(egressOutputFile({ fileResults: [{ filename: 'a.mp4', location: 'https://b.s3.amazonaws.com/a.mp4' }] } as never)).toBe('https://b.s3.amazonaws.com/a.mp4');
    expect(egressOutputFile({ fileResults: [] } as never)).toBeNull();
    expect(egressOutputFile({} as never)).toBeNull();
    expect(egressOutputFile(undefined)).toBeNull();
  });

  it('makes the playable URL from a URL location or the recordings base', () => {
    expect(recordingUrl('https://b.s3.amazonaws.com/a.mp4', undefined)).toBe('https://b.s3.amazonaws.com/a.mp4');
    expect(recordingUrl('attn/r1/x.mp4', 'https://cdn.example.com/rec')).toBe('https://cdn.example.com/rec/attn/r1/x.mp4');
    expect(recordingUrl('/attn/r 1/x.mp4', 'https://cdn.example.com/rec/')).toBe('https://cdn.example.com/rec/attn/r%201/x.mp4');
    expect(recordingUrl('attn/r1/x.mp4', undefined)).toBeNull();
    expect(recordingUrl(null, 'https://cdn.example.com/rec')).toBeNull();
  });
});

describe('which call participants belong to a link', () => {
  it('matches every identity minted for the link, whatever the role or tab', () => {
    for (const role of ['interviewer', 'candidate', 'observer'] as const) {
      expect(isLinkIdentity(avIdentity(role, 'abcDEF2345'), 'abcDEF2345')).toBe(true);
    }
  });

  it('never matches another link, even one whose id extends this one (ids may contain "-")', () => {
    expect(isLinkIdentity(avIdentity('candidate', 'ab-cdef'), 'ab')).toBe(false);
    expect(isLinkIdentity(avIdentity('candidate', 'ab'), 'ab-cdef')).toBe(false);
    expect(isLinkIdentity(avIdentity('candidate', 'otherLink1'), 'abcDEF2345')).toBe(false);
    expect(isLinkIdentity('candidate-abcDEF2345', 'abcDEF2345')).toBe(false);
    expect(isLinkIdentity('admin-abcDEF2345-xxxxxx', 'abcDEF2345')).toBe(false);
  });
});
