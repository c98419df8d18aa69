import { describe, expect, it } from 'vitest';
import { roomDisplayName } from '../src/lib/format.ts';
import { visibleText } from '../src/lib/visible-text.ts';

describe('names show bidi, zero-width and control characters visibly', () => {
  it('an RLO in a room name is shown as a marker, not obeyed', () => {
    expect(roomDisplayName({ name: 'invoice\u202Eexe.pdf', roomId: 'a'.repeat(32) })).toBe('invoice⟪U+202E⟫exe.pdf');
    expect(roomDisplayName({ name: null, roomId: 'abcdef0123456789'.repeat(2) })).toBe('Room abcdef01');
  });

  it('every bidi control, zero-width character, separator and control gets its own marker', () => {
    const cps = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x2028, 0x2029, 0x00, 0x0a, 0x1b, 0x7f, 0x9b];
    for (const cp of cps) {
      const shown = visibleText(`a${String.fromCharCode(cp)}b`);
      expect(shown).toBe(`a⟪U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟫b`);
    }
  });

  it('ordinary names, including non-Latin scripts and emoji, are unchanged', () => {
    for (const s of ['Ops', 'Déjeuner', 'Обед', 'ランチ', 'غداء', '🍕 pizza']) expect(visibleText(s)).toBe(s);
  });
});
