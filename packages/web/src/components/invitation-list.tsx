import type { Invitation, RoomSummary } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { useTrust } from '../hooks/trust-context.ts';
import { formatDateTime } from '../lib/format.ts';
import { asRoomId } from '../lib/ids.ts';
import { trustStateOf } from '../lib/trust.ts';
import { ErrorText } from './error-text.tsx';
import { TrustBadge } from './trust-badge.tsx';
import { visibleText } from '../lib/visible-text.ts';

type Props = {
  invites: readonly Invitation[];
  error: unknown;
  onAccepted: (room: RoomSummary) => void;
  onGone: (roomId: string) => void;
};

/** Invitations wait here: nothing is joined until the user accepts. */
export function InvitationList({ invites, error, onAccepted, onGone }: Props) {
  if (invites.length === 0 && (error === null || error === undefined)) return null;
  return (
    <section className="sidebar__section invitations" aria-label="Invitations" data-testid="invitations">
      <h3 className="section-title">Invitations ({invites.length})</h3>
      <ErrorText error={error} />
      <ul className="invitation-list">
        {invites.map((i) => (
          <InvitationItem key={i.roomId} invite={i} onAccepted={onAccepted} onGone={onGone} />
        ))}
      </ul>
    </section>
  );
}

function InvitationItem({ invite, onAccepted, onGone }: { invite: Invitation; onAccepted: (room: RoomSummary) => void; onGone: (roomId: string) => void }) {
  const api = useApi();
  const { contacts, openVerify } = useTrust();
  const { run, pending, error } = useAction();

  const accept = async () => {
    const r = await run(() => api.call('invites.accept', { roomId: asRoomId(invite.roomId) }));
    if (r.ok) {
      onGone(invite.roomId);
      onAccepted(r.value.room);
    }
  };
  const decline = async () => {
    const r = await run(() => api.call('invites.decline', { roomId: asRoomId(invite.roomId) }));
    if (r.ok) onGone(invite.roomId);
  };

  return (
    <li className="invitation card" data-testid="invitation" data-room-id={invite.roomId}>
      <div className="invitation__name" data-testid="invitation-name">
        {invite.name !== null ? visibleText(invite.name) : <span className="muted">(unnamed room)</span>}
      </div>
      <div className="invitation__meta">
        <span className={`badge ${invite.open ? 'badge--open' : 'badge--invite'}`}>{invite.open ? 'open' : 'invite-only'}</span>
        <span className="muted" title={formatDateTime(invite.receivedAt)}>
          {invite.invitedBy !== null ? (
            <>
              from <strong data-testid="invitation-inviter">{visibleText(invite.invitedBy)}</strong>
            </>
          ) : (
            'inviter unknown'
          )}
        </span>
      </div>
      <ul className="invitation__members" aria-label="Members">
        {invite.members.map((m) => {
          const state = trustStateOf(m.handle, contacts, m);
          return (
            <li key={m.handle} className="invitation__member" data-testid="invitation-member" data-handle={m.handle} data-state={state}>
              {state === 'self' ? (
                <span>{visibleText(m.handle)} (you)</span>
              ) : (
                <button type="button" className="link-button" onClick={() => openVerify(m.handle)} title={`Safety number with ${m.handle}`}>
                  {visibleText(m.handle)}
                </button>
              )}
              <TrustBadge state={state} handle={m.handle} />
            </li>
          );
        })}
      </ul>
      <div className="form__actions">
        <button type="button" className="button button--primary button--small" data-testid="invitation-accept" onClick={() => void accept()} disabled={pending}>
          Accept
        </button>
        <button type="button" className="button button--small" data-testid="invitation-decline" onClick={() => void decline()} disabled={pending}>
          Decline
        </button>
      </div>
      <ErrorText error={error} />
    </li>
  );
}
