import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay } from '@sealroom/server';
import { SealroomClient } from '@sealroom/client';
import { SqliteClientStore } from '@sealroom/proxy';
import type { ChatMessage } from '@sealroom/protocol';

export type Relay = Awaited<ReturnType<typeof startRelay>>;

/** A temp dir removed by `cleanup`. */
export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `sealroom-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function relayIn(dataDir: string, log?: (l: string) => void, port = 0): Promise<Relay> {
  return startRelay({ port, dataDir, ...(log ? { log } : {}) });
}

/** A real engine on a real SQLite store, onboarded as `handle`. */
export async function device(serverUrl: string, dataDir: string, handle: string): Promise<SealroomClient> {
  const c = new SealroomClient({ store: new SqliteClientStore(dataDir), serverUrl });
  await c.start();
  if (c.handle === null) await c.onboard(handle);
  await c.waitConnected();
  return c;
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function textsOf(c: SealroomClient, roomId: string): Promise<string[]> {
  return (await c.messages(roomId, 1000)).filter((m: ChatMessage) => m.state !== 'undecryptable').map((m) => m.text);
}

export async function waitForText(c: SealroomClient, roomId: string, text: string, timeoutMs = 10_000): Promise<void> {
  await until(`${c.handle} to see "${text}"`, async () => (await textsOf(c, roomId).catch((): string[] => [])).includes(text), timeoutMs);
}

/** Wait until `invitee` holds a pending invitation to the room. */
export async function waitForInvitation(invitee: SealroomClient, roomId: string, timeoutMs = 10_000): Promise<void> {
  await until(`${invitee.handle} to be invited`, async () => (await invitee.invitations()).some((i) => i.roomId === roomId), timeoutMs);
}

/** Invite `invitee` into the room, have it accept the invitation, and wait until its device has joined. */
export async function inviteAndWait(inviter: SealroomClient, invitee: SealroomClient, roomId: string): Promise<void> {
  await inviter.invite(roomId, invitee.handle!);
  await waitForInvitation(invitee, roomId);
  await invitee.acceptInvitation(roomId);
  await until(`${invitee.handle} to join`, async () =>
    (await invitee.listRooms()).some((r) => r.roomId === roomId && r.status === 'active'),
  );
}

/** alice and bob on fresh devices, in a new invite-only room. */
export async function aliceAndBobInRoom(
  serverUrl: string,
  dir: string,
  roomName: string,
): Promise<{ alice: SealroomClient; bob: SealroomClient; roomId: string }> {
  const alice = await device(serverUrl, `${dir}/alice`, 'alice');
  const bob = await device(serverUrl, `${dir}/bob`, 'bob');
  const roomId = (await alice.createRoom(roomName, false)).roomId;
  await inviteAndWait(alice, bob, roomId);
  return { alice, bob, roomId };
}
