import { describe, expect, it } from 'vitest';
import { create } from 'qrcode';
import type { Contact } from '@sealroom/protocol';
import { qrPath } from '../src/lib/qr.ts';
import { contactMap, listHandles, safetyGroups, sendBlock, trustStateOf, upsertContact } from '../src/lib/trust.ts';

function contact(handle: string, state: Contact['state']): Contact {
  return { handle, fingerprint: `fp-${handle}`, state, firstSeen: 1, verifiedAt: state === 'verified' ? 2 : null, pendingFingerprint: state === 'changed' ? 'fp-new' : null };
}

describe('trustStateOf', () => {
  it('prefers the contact, then the member, and never labels self otherwise', () => {
    const contacts = contactMap([contact('bob', 'verified')]);
    expect(trustStateOf('bob', contacts, { self: false, state: 'new' })).toBe('verified');
    expect(trustStateOf('carol', contacts, { self: false, state: 'changed' })).toBe('changed');
    expect(trustStateOf('carol', contacts)).toBe('new');
    expect(trustStateOf('bob', contacts, { self: true, state: 'self' })).toBe('self');
  });
  it('upsertContact keeps the map when nothing changed', () => {
    const m = contactMap([contact('bob', 'new')]);
    expect(upsertContact(m, contact('bob', 'new'))).toBe(m);
    expect(upsertContact(m, contact('bob', 'changed')).get('bob')?.state).toBe('changed');
  });
});

describe('sendBlock', () => {
  it('is null for an active room with no changed keys', () => {
    expect(sendBlock({ status: 'active', keyChanged: [] })).toBeNull();
  });
  it('names who changed key', () => {
    const b = sendBlock({ status: 'active', keyChanged: ['carol', 'bob', 'bob'] });
    expect(b?.handles).toEqual(['bob', 'carol']);
    expect(b?.sentence).toContain('bob and carol have new keys');
    expect(sendBlock({ status: 'held', keyChanged: ['bob'] })?.sentence).toContain('bob has a new key');
  });
  it('blocks a held room even when it names nobody', () => {
    const b = sendBlock({ status: 'held', keyChanged: [] });
    expect(b).not.toBeNull();
    expect(b?.handles).toEqual([]);
  });
  it('lists handles in English', () => {
    expect(listHandles([])).toBe('');
    expect(listHandles(['a'])).toBe('a');
    expect(listHandles(['a', 'b', 'c'])).toBe('a, b and c');
  });
});

describe('safetyGroups', () => {
  it('splits 60 digits into 12 groups of 5 and refuses anything else', () => {
    const digits = '012345678901234567890123456789012345678901234567890123456789';
    const g = safetyGroups(digits);
    expect(g).toHaveLength(12);
    expect(g?.every((x) => /^[0-9]{5}$/.test(x))).toBe(true);
    expect(g?.join('')).toBe(digits);
    expect(safetyGroups(digits.slice(1))).toBeNull();
    expect(safetyGroups(`${digits.slice(1)}a`)).toBeNull();
    expect(safetyGroups(`${digits} `)).toBeNull();
  });
});

describe('qrPath', () => {
  it('draws exactly the dark modules, runs merged, offset by the margin', () => {
    const grid = [
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 1],
    ];
    const m = { size: 3, get: (r: number, c: number) => grid[r]![c]! };
    expect(qrPath(m, 2)).toBe('M2 2h2v1h-2zM3 3h1v1h-1zM2 4h1v1h-1zM4 4h1v1h-1z');
    expect(() => qrPath({ size: 0, get: () => 0 })).toThrow(RangeError);
  });
  it('covers as many unit squares as the library has dark modules', () => {
    const { modules } = create('sealroom safety number test payload', { errorCorrectionLevel: 'M' });
    let dark = 0;
    for (let r = 0; r < modules.size; r++) for (let c = 0; c < modules.size; c++) if (modules.get(r, c)) dark++;
    let area = 0;
    for (const [, w] of qrPath(modules).matchAll(/h(\d+)v1/g)) area += Number(w);
    expect(area).toBe(dark);
    expect(dark).toBeGreaterThan(0);
  });
});
