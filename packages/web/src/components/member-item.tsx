import type { Member } from '@sealroom/protocol';
import { shortFingerprint } from '../lib/format.ts';

type Props = { member: Member; canRemove: boolean; removing: boolean; onRemove: (handle: string) => void };

export function MemberItem({ member, canRemove, removing, onRemove }: Props) {
  return (
    <li className="member" data-testid="member" data-handle={member.handle} data-self={member.self ? 'true' : 'false'}>
      <div className="member__main">
        <span className="member__handle">{member.handle}</span>
        {member.self ? <span className="badge badge--self">you</span> : null}
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
      <span className="fingerprint" title={member.fingerprint}>
        {shortFingerprint(member.fingerprint)}
      </span>
    </li>
  );
}
