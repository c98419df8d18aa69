import type { Member } from '@sealroom/protocol';
import { useTrust } from '../hooks/trust-context.ts';
import { shortFingerprint } from '../lib/format.ts';
import { trustStateOf } from '../lib/trust.ts';
import { TrustBadge } from './trust-badge.tsx';
import { visibleText } from '../lib/visible-text.ts';

type Props = { member: Member; canRemove: boolean; removing: boolean; onRemove: (handle: string) => void };

export function MemberItem({ member, canRemove, removing, onRemove }: Props) {
  const { contacts, openVerify } = useTrust();
  const state = trustStateOf(member.handle, contacts, member);
  return (
    <li
      className={`member${state === 'changed' ? ' member--changed' : ''}`}
      data-testid="member"
      data-handle={member.handle}
      data-self={member.self ? 'true' : 'false'}
      data-state={state}
    >
      <div className="member__main">
        <span className="member__handle">{visibleText(member.handle)}</span>
        {member.self ? <span className="badge badge--self">you</span> : null}
        <TrustBadge state={state} handle={member.handle} />
        {!member.self && canRemove ? (
          <button
            type="button"
            className="button button--small button--danger-ghost member__remove"
            data-testid="member-remove"
            onClick={() => onRemove(member.handle)}
            disabled={removing}
          >
            Remove
          </button>
        ) : null}
      </div>
      <div className="member__sub">
        <span className="fingerprint" title={member.fingerprint}>
          {shortFingerprint(member.fingerprint)}
        </span>
        {!member.self ? (
          <button
            type="button"
            className={`button button--small ${state === 'changed' ? 'button--danger' : 'button--ghost'} member__verify`}
            data-testid="member-verify"
            onClick={() => openVerify(member.handle)}
            title={`Safety number with ${member.handle}`}
          >
            {state === 'verified' ? 'Safety number' : state === 'changed' ? 'Review key' : 'Verify'}
          </button>
        ) : null}
      </div>
    </li>
  );
}
