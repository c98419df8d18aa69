import { useState } from 'react';
import type { FormEvent } from 'react';
import type { RoomSummary } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { asRoomId, roomIdProblem } from '../lib/ids.ts';
import { ErrorText, HintText } from './error-text.tsx';

export function JoinRoomForm({ onJoined }: { onJoined: (room: RoomSummary) => void }) {
  const api = useApi();
  const [roomId, setRoomId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const { run, pending, error } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pending) return;
    const id = roomId.trim().toLowerCase();
    const p = roomIdProblem(id);
    setProblem(p);
    if (p !== null) return;
    const r = await run(() => api.call('rooms.join', { roomId: asRoomId(id) }));
    if (r.ok) {
      setRoomId('');
      onJoined(r.value.room);
    }
  };

  return (
    <form className="form form--compact" onSubmit={submit} noValidate>
      <input
        className="input input--mono"
        data-testid="join-room-id"
        value={roomId}
        onChange={(e) => setRoomId(e.target.value)}
        placeholder="Room id (32 hex digits)"
        aria-label="Room id"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        disabled={pending}
      />
      <HintText text={problem} />
      <ErrorText error={error} />
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid="join-room-submit" disabled={pending}>
          {pending ? 'Joining…' : 'Join'}
        </button>
      </div>
    </form>
  );
}
