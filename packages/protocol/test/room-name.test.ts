import { describe, expect, it } from 'vitest';
import { appPayloadSchema, createRoomRequest, roomNameSchema } from '../src/index.js';

const id = 'a'.repeat(32);
const meta = (name: unknown) => ({ v: 1, id, time: 1, type: 'meta', name, open: false });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));
/** Issue 8: controls, line separators, bidi controls and zero-width characters. */
const FORBIDDEN = [
  ...range(0x00, 0x1f),
  ...range(0x7f, 0x9f),
  '\u2028',
  '\u2029',
  ...range(0x202a, 0x202e),
  ...range(0x2066, 0x2069),
  '\u200e',
  '\u200f',
  '\u061c',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
];

describe('room names: the same rules at creation, in Welcome info and in renames (meta)', () => {
  it('refuses every control, separator, bidi and zero-width character, in the middle of a name', () => {
    for (const c of FORBIDDEN) {
      const name = `Ops${c}x`;
      const hex = c.charCodeAt(0).toString(16);
      expect(roomNameSchema.safeParse(name).success, `U+${hex} at creation`).toBe(false);
      expect(createRoomRequest.safeParse({ name, open: false }).success, `U+${hex} in rooms.create`).toBe(false);
      expect(appPayloadSchema.safeParse(meta(name)).success, `U+${hex} in a meta rename`).toBe(false);
    }
  });

  it('accepts ordinary names in any script, trimmed, at most 100 characters, in both', () => {
    for (const name of ['Ops', 'Déjeuner', 'Обед', 'ランチ', 'غداء', '🍕 pizza', 'x'.repeat(100)]) {
      expect(roomNameSchema.safeParse(name).success).toBe(true);
      expect(appPayloadSchema.safeParse(meta(name)).success).toBe(true);
    }
    expect(appPayloadSchema.safeParse(meta('  Ops  '))).toMatchObject({ success: true, data: { name: 'Ops' } });
    for (const bad of ['', '   ', 'x'.repeat(101), 42, null]) expect(appPayloadSchema.safeParse(meta(bad)).success).toBe(false);
  });
});
