import type { RoomSummary } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { useMembers } from '../hooks/use-members.ts';
import { asHandle, asRoomId } from '../lib/ids.ts';
import { CopyButton } from './copy-button.tsx';
import { ErrorText } from './error-text.tsx';
import { InviteForm } from './invite-form.tsx';
import { MemberItem } from './member-item.tsx';

type Props = { room: RoomSummary; session: number; open: boolean };

export function MemberPanel({ room, session, open }: Props) {
  const api = useApi();
  const { members, error, refresh } = useMembers(room, session);
  const remove = useAction();
  const leave = useAction();
  const active = room.status === 'active';
  // A held room is still ours: it waits for a changed key to be accepted, or for us to leave.
  const member = active || room.status === 'held';
  const idElement = `room-id-${room.roomId}`;

  // Both are irreversible for the person affected (a removed member needs a new invite): ask first.
  const onRemove = async (handle: string) => {
    if (!window.confirm(`Remove ${handle} from this room? They will not see new messages unless invited again.`)) return;
    const r = await remove.run(() => api.call('rooms.remove', { roomId: asRoomId(room.roomId), handle: asHandle(handle) }));
    if (r.ok) refresh();
  };
  const onLeave = async () => {
    if (!window.confirm('Leave this room? You will need a new invite (or the room id, if it is open) to come back.')) return;
    await leave.run(() => api.call('rooms.leave', { roomId: asRoomId(room.roomId) }));
  };

  return (
    <aside className={`member-panel${open ? ' member-panel--open' : ''}`} aria-label="Room details">
      <section className="panel-section">
        <h2 className="section-title">Room id</h2>
        <div className="room-id">
          <code className="room-id__value" id={idElement} data-testid="room-id">
            {room.roomId}
          </code>
          <CopyButton value={room.roomId} targetId={idElement} />
        </div>
        <p className="hint">
          {room.open ? 'Open room: share this id and others can join.' : 'Invite-only: members are added by invitation.'}
        </p>
      </section>

      <section className="panel-section">
        <h2 className="section-title">Members ({members.length})</h2>
        <ErrorText error={error} />
        {room.status === 'left' || room.status === 'removed' ? <p className="muted">You are no longer a member of this room.</p> : null}
        {room.status === 'held' ? <p className="muted">On hold: members change again once you accept the changed key.</p> : null}
        <ul className="member-list">
          {members.map((m) => (
            <MemberItem key={m.handle} member={m} canRemove={active} removing={remove.pending} onRemove={(h) => void onRemove(h)} />
          ))}
        </ul>
        <ErrorText error={remove.error} />
      </section>

      {active ? (
        <section className="panel-section">
          <h2 className="section-title">Invite</h2>
          <InviteForm roomId={room.roomId} onInvited={refresh} />
        </section>
      ) : null}

      {member ? (
        <section className="panel-section panel-section--end">
          <button
            type="button"
            className="button button--danger"
            data-testid="leave-room"
            onClick={() => void onLeave()}
            disabled={leave.pending}
          >
            {leave.pending ? 'Leaving…' : 'Leave room'}
          </button>
          <ErrorText error={leave.error} />
        </section>
      ) : null}
    </aside>
  );
}
