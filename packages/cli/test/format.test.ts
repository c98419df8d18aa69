import { describe, expect, it } from 'vitest';
import type { Contact, Invitation, Member, RoomSummary, SafetyNumber, SecurityEvent } from '@sealroom/protocol';
import {
  formatContact,
  formatEvent,
  formatInvitation,
  formatMember,
  formatMessage,
  formatRoom,
  formatSafetyNumber,
  formatTime,
  jsonLine,
  messageJson,
} from '../src/format.js';

const DIGITS = '012345678901234567890123456789012345678901234567890123456789';
const nasty = 'x\u001b[2J\nfake line\u202e\u009b31m';
const contact = (over: Partial<Contact> = {}): Contact => ({
  handle: 'bob',
  fingerprint: 'ab cd',
  state: 'new',
  firstSeen: Date.UTC(2024, 0, 2, 3, 4, 5),
  verifiedAt: null,
  pendingFingerprint: null,
  ...over,
});
const event = (over: Partial<SecurityEvent> = {}): SecurityEvent => ({
  id: 1,
  time: Date.UTC(2024, 0, 2, 3, 4, 5),
  kind: 'key-changed',
  roomId: 'f'.repeat(32),
  handle: 'bob',
  code: 'ERR_CLIENT_KEY_CHANGED',
  text: 'bob has a new key',
  ...over,
});
const room = (over: Partial<RoomSummary> = {}): RoomSummary => ({
  roomId: 'a'.repeat(32),
  name: 'Ops',
  open: false,
  epoch: 3,
  members: 2,
  status: 'active',
  lastSeq: 0,
  keyChanged: [],
  reason: null,
  recovery: null,
  ...over,
});

/** Nothing a terminal would act on: no C0/C1 controls (so no escape sequences, no new lines), no bidi overrides. */
function expectInert(line: string) {
  expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
}

describe('formatTime', () => {
  it('prints UTC date and time to the second', () => {
    expect(formatTime(Date.UTC(2024, 0, 2, 3, 4, 5, 678))).toBe('2024-01-02 03:04:05');
    expect(formatTime(0)).toBe('1970-01-01 00:00:00');
  });

  it('prints the raw number for times no date can show, instead of throwing', () => {
    expect(() => new Date(9e15).toISOString()).toThrow(RangeError);
    expect(formatTime(9e15)).toBe('9000000000000000');
    expect(formatTime(-9e15)).toBe('-9000000000000000');
    expect(formatTime(Number.NaN)).toBe('NaN');
    expect(formatTime(Number.POSITIVE_INFINITY)).toBe('Infinity');
    // Representable, but past year 9999: toISOString gives "+010000-…", which would be cut to a wrong date.
    expect(formatTime(Date.UTC(10000, 0, 1))).toBe(String(Date.UTC(10000, 0, 1)));
    expect(formatTime(Date.UTC(-1, 0, 1))).toBe(String(Date.UTC(-1, 0, 1)));
  });

  it('a message, contact, invitation or event with an impossible time still prints', () => {
    const m = { id: 'x', roomId: 'r', sender: 'bob', text: 'hi', time: 9e15, seq: 1, state: 'received' as const, own: false };
    expect(formatMessage(m)).toBe('9000000000000000 <bob> hi');
    expect(formatContact(contact({ firstSeen: 9e15, verifiedAt: 8.7e15 }))).toContain('first seen 9000000000000000  verified 8700000000000000');
    expect(formatEvent(event({ time: 9e15 }))).toMatch(/^9000000000000000 {2}key-changed/);
    const inv: Invitation = { roomId: 'r'.repeat(32), name: 'x', open: true, invitedBy: 'alice', members: [], receivedAt: 9e15 };
    expect(formatInvitation(inv)).toContain(' 9000000000000000 ');
  });
});

describe('escaping untrusted text', () => {
  it('message text, room names, event text, inviter names and pending fingerprints never reach the terminal raw', () => {
    const m = { id: 'x', roomId: 'r', sender: 'bob', text: nasty, time: 0, seq: 1, state: 'received' as const, own: false };
    const inv: Invitation = { roomId: 'r'.repeat(32), name: nasty, open: false, invitedBy: nasty, members: [], receivedAt: 0 };
    const lines = [
      formatMessage(m),
      formatRoom(room({ name: nasty, keyChanged: [nasty] })),
      formatInvitation(inv),
      formatEvent(event({ text: nasty, code: nasty, handle: nasty, roomId: nasty })),
      formatContact(contact({ state: 'changed', pendingFingerprint: nasty })),
    ];
    for (const line of lines) {
      expectInert(line);
      expect(line).toContain('x\\u001b[2J\\u000afake line\\u202e\\u009b31m');
    }
  });

  it('--json output escapes DEL, C1 controls and bidi overrides too, and still parses to the same value', () => {
    const v = { text: nasty, n: 1 };
    const line = jsonLine(v);
    expectInert(line);
    expect(JSON.parse(line)).toEqual(v);
    // JSON.stringify alone would leave these raw.
    expect(JSON.stringify(v)).toMatch(/[\u202e\u009b]/);
    const m = { id: 'x', roomId: 'r', sender: 'bob', text: nasty, time: 0, seq: 1, state: 'received' as const, own: false };
    expectInert(messageJson(m));
    expect((JSON.parse(messageJson(m)) as { text: string }).text).toBe(nasty);
  });
});

describe('trust states', () => {
  it('members show their state: a check for verified, a warning with the way out for a changed key', () => {
    const m = (state: Member['state'], self = false): Member => ({ handle: 'bob', self, fingerprint: 'ab cd', state });
    expect(formatMember(m('self', true))).toBe('bob  (you)  ab cd');
    expect(formatMember(m('verified'))).toBe('bob  ✓ verified  ab cd');
    expect(formatMember(m('new'))).toBe('bob  new  ab cd');
    expect(formatMember(m('changed'))).toBe('bob  ! KEY CHANGED  ab cd  (compare safety numbers, then: sealroom trust bob)');
  });

  it('contacts show handle, state, fingerprint, first seen and when verified', () => {
    expect(formatContact(contact())).toBe('bob  new  ab cd  first seen 2024-01-02 03:04:05');
    expect(formatContact(contact({ state: 'verified', verifiedAt: Date.UTC(2024, 1, 1) }))).toBe(
      'bob  ✓ verified  ab cd  first seen 2024-01-02 03:04:05  verified 2024-02-01 00:00:00',
    );
    expect(formatContact(contact({ state: 'changed', pendingFingerprint: 'ef 01' }))).toBe(
      'bob  ! KEY CHANGED  ab cd  first seen 2024-01-02 03:04:05  new key ef 01  (compare safety numbers, then: sealroom trust bob)',
    );
  });

  it('a room waiting on a changed key says so and who', () => {
    expect(formatRoom(room())).toBe(`${'a'.repeat(32)}  invite    2 members  active       Ops`);
    expect(formatRoom(room({ status: 'held', keyChanged: ['bob', 'carol'] }))).toBe(
      `${'a'.repeat(32)}  invite    2 members  held         Ops  ! key changed: bob, carol (sending blocked)`,
    );
  });

  it('a room out of sync says why and what to do', () => {
    expect(formatRoom(room({ status: 'out-of-sync', open: true, reason: 'bad\ncommit', recovery: 'rejoin' }))).toBe(
      `${'a'.repeat(32)}  open      2 members  out-of-sync  Ops  ! out of sync: bad\\u000acommit (sealroom rooms rejoin ${'a'.repeat(32)})`,
    );
    expect(formatRoom(room({ status: 'out-of-sync', reason: 'x', recovery: 'ask-to-be-readded' }))).toContain('(ask to be re-added)');
  });
});

describe('formatSafetyNumber', () => {
  it('prints the 60 digits as 3 lines of 4 groups of 5, then the handle and state', () => {
    const s: SafetyNumber = { handle: 'bob', digits: DIGITS, groups: DIGITS.match(/.{5}/g)!, qr: 'q', state: 'verified' };
    const lines = formatSafetyNumber(s);
    expect(lines).toEqual([
      '01234 56789 01234 56789',
      '01234 56789 01234 56789',
      '01234 56789 01234 56789',
      'bob  ✓ verified',
    ]);
    expect(lines.slice(0, 3).join('').replace(/ /g, '')).toBe(DIGITS);
  });
});

describe('formatEvent', () => {
  it('time, kind, room, handle, then code and text; "-" for what an event is not about', () => {
    expect(formatEvent(event())).toBe(`2024-01-02 03:04:05  key-changed  ${'f'.repeat(32)}  bob  ERR_CLIENT_KEY_CHANGED: bob has a new key`);
    expect(formatEvent(event({ kind: 'contact-verified', roomId: null, code: null, text: 'verified bob' }))).toBe(
      '2024-01-02 03:04:05  contact-verified  -  bob  verified bob',
    );
  });
});
