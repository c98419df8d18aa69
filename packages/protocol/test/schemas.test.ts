import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  appPayloadSchema,
  authTranscript,
  relayOrigin,
  base64Schema,
  createRoomRequest,
  fromBase64,
  handleSchema,
  roomSendRequest,
  sendRequest,
  toBase64,
} from '../src/index.js';

const id = 'a'.repeat(32);

describe('ids and encodings', () => {
  it('handles: lowercase ASCII only, 1–32 chars', () => {
    for (const ok of ['alice', 'bob.smith', 'x', '0day', 'a_b-c']) expect(handleSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['', 'Alice', 'аlice' /* Cyrillic а */, '.dot', 'a'.repeat(33), 'a b', 'a\u0000', 42]) {
      expect(handleSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('base64 round-trips any bytes byte-exact (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const b64 = toBase64(bytes);
        expect(base64Schema(2000).safeParse(b64).success).toBe(true);
        expect(Buffer.from(fromBase64(b64)).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it('base64 schema rejects junk and respects the size bound', () => {
    for (const bad of ['not base64!', 'AAA', '====', 'A\u00e9AA', 'AAAA\n']) expect(base64Schema(100).safeParse(bad).success).toBe(false);
    expect(base64Schema(3).safeParse(toBase64(new Uint8Array(6))).success).toBe(false);
  });

  it('the auth transcript binds challenge, handle, key and the relay origin', () => {
    const o = 'https://relay.example';
    const a = Buffer.from(authTranscript('c1', 'alice', 'k', o)).toString();
    expect(a).not.toBe(Buffer.from(authTranscript('c2', 'alice', 'k', o)).toString());
    expect(a).not.toBe(Buffer.from(authTranscript('c1', 'alicf', 'k', o)).toString());
    expect(a).not.toBe(Buffer.from(authTranscript('c1', 'alice', 'j', o)).toString());
    expect(a).not.toBe(Buffer.from(authTranscript('c1', 'alice', 'k', 'https://evil.example')).toString());
    expect(a.startsWith('sealroom-relay-auth-v2\n')).toBe(true);
  });

  it('relayOrigin is the WHATWG origin: lowercase host, default port dropped, path ignored', () => {
    expect(relayOrigin('https://Relay.Example:443/socket.io/?x=1')).toBe('https://relay.example');
    expect(relayOrigin('http://localhost:3001')).toBe('http://localhost:3001');
    expect(relayOrigin('http://[::1]:3001/')).toBe('http://[::1]:3001');
    expect(() => relayOrigin('not a url')).toThrow(TypeError);
  });
});

describe('request schemas are strict', () => {
  it('rejects extra fields, __proto__ keys and wrong types', () => {
    const good = { roomId: id, epoch: 0, msgId: id, kind: 'application', data: 'AAAA' };
    expect(roomSendRequest.safeParse(good).success).toBe(true);
    expect(roomSendRequest.safeParse({ ...good, extra: 1 }).success).toBe(false);
    expect(roomSendRequest.safeParse(JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(good).slice(1)}`)).success).toBe(false);
    expect(roomSendRequest.safeParse({ ...good, epoch: '0' }).success).toBe(false);
    expect(roomSendRequest.safeParse({ ...good, epoch: -1 }).success).toBe(false);
    expect(roomSendRequest.safeParse({ ...good, kind: 'commit' }).success).toBe(false);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined(); // Object.prototype untouched
  });

  it('room names: trimmed, bounded, no control characters', () => {
    expect(createRoomRequest.safeParse({ name: '  Lunch  ', open: false })).toMatchObject({ success: true, data: { name: 'Lunch' } });
    expect(createRoomRequest.safeParse({ name: 'a\u0007b', open: false }).success).toBe(false);
    expect(createRoomRequest.safeParse({ name: 'x'.repeat(101), open: false }).success).toBe(false);
    expect(sendRequest.safeParse({ roomId: id, text: '' }).success).toBe(false);
  });

  it('application payloads are versioned and typed', () => {
    expect(appPayloadSchema.safeParse({ v: 1, id, time: 1, type: 'text', text: 'hi' }).success).toBe(true);
    expect(appPayloadSchema.safeParse({ v: 2, id, time: 1, type: 'text', text: 'hi' }).success).toBe(false);
    expect(appPayloadSchema.safeParse({ v: 1, id, time: 1, type: 'html', text: 'hi' }).success).toBe(false);
    expect(appPayloadSchema.safeParse({ v: 1, id, time: 1, type: 'meta', name: 'n', extra: true }).success).toBe(false);
  });
});
