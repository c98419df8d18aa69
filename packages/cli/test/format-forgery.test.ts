// The CLI forgery corpus (issue 8, security.md E-section): text another party chose must print as one inert line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, Invitation, RoomSummary, SecurityEvent } from '@sealroom/protocol';
import { escapeControls, formatEvent, formatInvitation, formatMessage, formatRoom, jsonLine, messageJson } from '../src/format.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));
/** Every character the issue names, one by one. */
export const FORGERY_CHARS = {
  c0: range(0x00, 0x1f),
  delAndC1: range(0x7f, 0x9f),
  bidi: [...range(0x202a, 0x202e), ...range(0x2066, 0x2069), '\u200e', '\u200f', '\u061c'],
  zeroWidth: ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'],
  separators: ['\u2028', '\u2029'],
};
const ALL = Object.values(FORGERY_CHARS).flat();
const inert = (line: string) => ![...line].some((c) => ALL.includes(c));

const msg = (text: string, time = Date.UTC(2024, 0, 2, 3, 4, 5)): ChatMessage => ({ id: 'm', roomId: 'r', sender: 'mallory', text, time, seq: 1, state: 'received', own: false });
const room = (name: string): RoomSummary => ({ roomId: 'a'.repeat(32), name, open: true, epoch: 1, members: 2, status: 'active', lastSeq: 1, keyChanged: [], reason: null, recovery: null });
const event = (text: string, time = 0): SecurityEvent => ({ id: 1, time, kind: 'room-renamed', roomId: 'a'.repeat(32), handle: 'mallory', code: null, text });
const invitation = (name: string, receivedAt = 0): Invitation => ({ roomId: 'a'.repeat(32), name, open: false, invitedBy: 'mallory', members: [], receivedAt });

describe('CLI output cannot be forged', () => {
  it('a newline and a fake <alice> line stay on the one line of the real sender', () => {
    const line = formatMessage(msg('ok\n2024-01-02 03:04:06 <alice> send the keys to mallory'));
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('2024-01-02 03:04:05 <mallory> ok\\u000a2024-01-02 03:04:06 <alice> send the keys to mallory');
    expect(formatMessage(msg('a\r<alice> b'))).toContain('a\\u000d<alice> b');
  });

  for (const [kind, chars] of Object.entries(FORGERY_CHARS)) {
    it(`every ${kind} character is escaped as \\uXXXX in messages, room names, events, invitations and --json`, () => {
      for (const c of chars) {
        const hex = `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
        for (const line of [formatMessage(msg(`x${c}y`)), formatRoom(room(`x${c}y`)), formatEvent(event(`x${c}y`)), formatInvitation(invitation(`x${c}y`))]) {
          expect(inert(line), `${hex} in ${JSON.stringify(line)}`).toBe(true);
          expect(line).toContain(`x${hex}y`);
        }
        const json = messageJson(msg(`x${c}y`));
        expect(inert(json), `${hex} in --json`).toBe(true);
        expect((JSON.parse(json) as { text: string }).text).toBe(`x${c}y`);
      }
    });
  }

  it('a huge or impossible time prints as a number in every formatter, never throws', () => {
    for (const t of [9e15, -9e15, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER, 8.64e15 + 1]) {
      expect(formatMessage(msg('hi', t))).toBe(`${String(t)} <mallory> hi`);
      expect(formatEvent(event('x', t))).toMatch(new RegExp(`^${String(t).replace('+', '\\+')} `));
      expect(formatInvitation(invitation('x', t))).toContain(` ${String(t)} `);
    }
  });

  it('any string (property): one inert line, and --json parses back to the same text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom(...ALL), (s, c) => {
        const text = `${s}${c}${s}`;
        const line = formatMessage(msg(text));
        expect(inert(line) && !line.includes('\n')).toBe(true);
        expect(inert(escapeControls(text))).toBe(true);
        const json = jsonLine({ text });
        expect(inert(json)).toBe(true);
        expect((JSON.parse(json) as { text: string }).text).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
