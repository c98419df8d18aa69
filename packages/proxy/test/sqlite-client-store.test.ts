import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteClientStore } from '../src/index.js';

describe('SqliteClientStore contacts', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const open = () => {
    const d = mkdtempSync(join(tmpdir(), 'sealroom-store-'));
    dirs.push(d);
    return new SqliteClientStore(d);
  };

  it('writes contacts compare-and-set, all or nothing with the room write that carries them', async () => {
    const s = open();
    try {
      const k1 = { handle: 'bob', identityKey: new Uint8Array([1]), firstSeen: 1, state: 'new' as const, verifiedAt: null, pendingKey: null };
      await s.putContacts([{ next: k1, prev: null }]);
      await expect(s.putContacts([{ next: { ...k1, identityKey: new Uint8Array([2]) }, prev: null }])).rejects.toMatchObject({
        code: 'ERR_CLIENT_CONTACT_CONFLICT',
      });
      const changed = { ...k1, state: 'changed' as const, pendingKey: new Uint8Array([3]) };
      await s.putContacts([{ next: changed, prev: k1 }]);
      await expect(s.putContacts([{ next: { ...k1, state: 'verified', verifiedAt: 5 }, prev: k1 }])).rejects.toMatchObject({
        code: 'ERR_CLIENT_CONTACT_CONFLICT',
      });
      const room = { roomId: 'a'.repeat(32), name: 'n', open: false, status: 'active' as const, epoch: 0, lastSeq: 0, group: new Uint8Array([1]), pendingCommit: null, pendingLeaves: [], removed: [] };
      await expect(s.writeRoom({ room, contacts: [{ next: k1, prev: null }] })).rejects.toMatchObject({ code: 'ERR_CLIENT_CONTACT_CONFLICT' });
      expect(await s.getRoom(room.roomId)).toBeNull(); // the room write rolled back with it
      const got = (await s.getContacts(['bob'])).get('bob')!;
      expect(got.state).toBe('changed');
      expect(Buffer.from(got.pendingKey!)).toEqual(Buffer.from([3]));
    } finally {
      await s.close();
    }
  });
});
