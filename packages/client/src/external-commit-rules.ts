import { ClientErrorCode, MlsErrorCode, type SecurityEventKind } from '@sealroom/protocol';
import { inspectExternalCommit, memberAt, type Group } from '@sealroom/mls';
import type { RoomRecord } from './client-store.js';

export type Refusal = { code: string; text: string; kind: SecurityEventKind; handle: string | null };

/**
 * Sealroom's rules for an external commit (RFC 9420 §12.4.3.2), read from its clear PublicMessage before
 * ts-mls touches it: only into rooms this device knows are open; exactly one ExternalInit; besides that only
 * PSKs and the Remove of the joiner's own old leaf (a resync); the joiner is the caller the relay
 * authenticated; and not someone a member removed (until invited again). The relay checks the same; members
 * check again because the relay is untrusted. Returns null for a commit that is not external, or passes.
 */
export function externalCommitRefusal(room: RoomRecord, group: Group, bytes: Uint8Array, relaySender: string, seq: number): Refusal | null {
  let info;
  try {
    info = inspectExternalCommit(bytes);
  } catch {
    return null; // not an external commit: processed (and authenticated) as a member's commit
  }
  const joiner = info.joiner.handle;
  const refuse = (code: string, text: string, kind: SecurityEventKind = 'commit-refused'): Refusal => ({ code, text, kind, handle: joiner });
  if (!room.open)
    // Only open rooms publish GroupInfo; an external commit into an invite-only room means someone (the
    // relay or a member) is trying to add a reader. Refuse it loudly rather than follow.
    return refuse(MlsErrorCode.CommitRejected, `refused an external join into this invite-only room at seq ${seq}`);
  if (joiner === null) return refuse(ClientErrorCode.CommitRefused, `refused an external commit at seq ${seq} without a valid handle`);
  const inits = info.proposals.filter((p) => p.type === 'external_init').length;
  const others: string[] = [];
  for (const p of info.proposals) {
    if (p.type === 'external_init' || p.type === 'psk') continue;
    if (p.type === 'remove') {
      const m = memberAt(group, p.removed);
      if (m?.handle !== joiner) others.push(m?.handle ?? `leaf ${p.removed}`);
      continue;
    }
    return refuse(ClientErrorCode.CommitRefused, `refused an external commit by ${joiner} at seq ${seq} carrying a ${p.type} proposal`);
  }
  if (inits !== 1) return refuse(ClientErrorCode.CommitRefused, `refused an external commit by ${joiner} at seq ${seq} with ${inits} ExternalInit proposals`);
  if (others.length > 0)
    return refuse(ClientErrorCode.CommitRefused, `refused an external commit by ${joiner} that removes ${others.join(', ')} (only its own old leaf may go)`);
  if (joiner !== relaySender)
    return refuse(
      ClientErrorCode.RelayContradicted,
      `the relay says ${relaySender} sent the external commit at seq ${seq}, but it joins ${joiner}`,
      'relay-contradicted',
    );
  if (room.removed.includes(joiner))
    return refuse(ClientErrorCode.CommitRefused, `${joiner} was removed from this room and rejoined by itself; refused (a member must invite ${joiner} again)`);
  return null;
}
