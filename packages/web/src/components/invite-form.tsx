import { useState } from 'react';
import type { FormEvent } from 'react';
import { useApi } from '../api/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { asHandle, asRoomId, handleProblem } from '../lib/ids.ts';
import { ErrorText, HintText } from './error-text.tsx';

export function InviteForm({ roomId, onInvited }: { roomId: string; onInvited: () => void }) {
  const api = useApi();
  const [handle, setHandle] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const { run, pending, error } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pending) return;
    const h = handle.trim();
    const p = handleProblem(h);
    setProblem(p);
    if (p !== null) return;
    const r = await run(() => api.call('rooms.invite', { roomId: asRoomId(roomId), handle: asHandle(h) }));
    if (r.ok) {
      setHandle('');
      onInvited();
    }
  };

  return (
    <form className="form form--compact" onSubmit={submit} noValidate>
      <div className="form__inline">
        <input
          className="input"
          data-testid="invite-handle"
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
          placeholder="Handle to invite"
          aria-label="Handle to invite"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          disabled={pending}
        />
        <button type="submit" className="button button--primary" data-testid="invite-submit" disabled={pending}>
          {pending ? 'Inviting…' : 'Invite'}
        </button>
      </div>
      <HintText text={problem} />
      <ErrorText error={error} />
    </form>
  );
}
