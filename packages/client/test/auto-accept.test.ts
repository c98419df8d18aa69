import { describe, expect, it } from 'vitest';
import { shouldAutoAccept } from '../src/invitations.js';

describe('auto-accept of invitations', () => {
  it('is off by default, and with "verified" needs a verified inviter and an unchanged, accepted tree', () => {
    expect(shouldAutoAccept('none', 'ok', 'verified')).toBe(false);
    expect(shouldAutoAccept('verified', 'ok', 'verified')).toBe(true);
    expect(shouldAutoAccept('verified', 'ok', 'new')).toBe(false);
    expect(shouldAutoAccept('verified', 'ok', 'changed')).toBe(false);
    expect(shouldAutoAccept('verified', 'ok', undefined)).toBe(false);
    expect(shouldAutoAccept('verified', 'changed', 'verified')).toBe(false);
    expect(shouldAutoAccept('verified', 'refused', 'verified')).toBe(false);
  });
});
