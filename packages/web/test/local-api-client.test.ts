import { describe, expect, it } from 'vitest';
import { readAck } from '../src/api/local-api-client.ts';
import { formatTime, roomDisplayName, shortFingerprint } from '../src/lib/format.ts';

describe('readAck', () => {
  it('strips ok from a success and keeps the data', () => {
    expect(readAck({ ok: true, rooms: [] })).toEqual({ ok: true, data: { rooms: [] } });
  });
  it('passes error codes through and maps garbage to a bad-payload error', () => {
    expect(readAck({ ok: false, code: 'ERR_PROXY_OFFLINE' })).toMatchObject({ ok: false, code: 'ERR_PROXY_OFFLINE' });
    expect(readAck('nope')).toMatchObject({ ok: false, code: 'ERR_CLIENT_BAD_PAYLOAD' });
    expect(readAck({ ok: false })).toMatchObject({ ok: false, code: 'ERR_CLIENT_BAD_PAYLOAD' });
  });
});

describe('format', () => {
  it('formats times, fingerprints and room names', () => {
    expect(formatTime(new Date(2024, 0, 1, 9, 5).getTime())).toBe('09:05');
    expect(formatTime(Number.NaN)).toBe('--:--');
    expect(shortFingerprint('AB:CD:EF:01:23:45:67:89:aa:bb')).toBe('abcd ef01 2345 6789');
    expect(shortFingerprint(null)).toBe('—');
    expect(roomDisplayName({ name: null, roomId: '0123456789abcdef0123456789abcdef' })).toBe('Room 01234567');
    expect(roomDisplayName({ name: 'Lunch', roomId: '0123456789abcdef0123456789abcdef' })).toBe('Lunch');
  });
});
