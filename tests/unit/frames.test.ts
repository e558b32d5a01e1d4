import { describe, expect, it } from 'vitest';
import { wireFrame } from '../../server/sync/frames.js';

// The header of an RFC 6455 frame a server sends: byte 0 is FIN (0x80) | opcode 2 (binary), byte
// 1 the mask bit (never set by a server) and the length or its marker (126: 16 bits follow, 127:
// 64). tests/unit/connection.test.ts has a real ws client read these frames off a socket.
describe('wireFrame (a relayed update as one WebSocket frame)', () => {
  it.each([
    [0, [0x82, 0]],
    [125, [0x82, 125]],
    [126, [0x82, 126, 0x00, 0x7e]],
    [65535, [0x82, 126, 0xff, 0xff]],
    [65536, [0x82, 127, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x00]],
    [70001, [0x82, 127, 0, 0, 0, 0, 0x00, 0x01, 0x11, 0x71]],
  ])('puts a %i-byte payload behind the header %j', (n, header) => {
    const payload = Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
    const frame = wireFrame(payload);
    expect([...frame.subarray(0, header.length)]).toEqual(header);
    expect(frame.byteLength).toBe(header.length + n);
    expect(frame.subarray(header.length).equals(payload)).toBe(true);
  });

  it('copies the payload, so a later change to the source does not reach a frame already built', () => {
    const payload = new Uint8Array([1, 2, 3]);
    const frame = wireFrame(payload);
    payload[0] = 9;
    expect([...frame]).toEqual([0x82, 3, 1, 2, 3]);
  });
});
