import { useState } from 'react';
import type { FormEvent } from 'react';
import { roomNameSchema } from '@sealroom/protocol';
import type { RoomSummary } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorText, HintText } from './error-text.tsx';

export function NewRoomForm({ onCreated }: { onCreated: (room: RoomSummary) => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { run, pending, error } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pending) return;
    const parsed = roomNameSchema.safeParse(name);
    if (!parsed.success) {
      setProblem(name.trim() === '' ? 'Enter a room name.' : 'Room names are 1–100 characters, no control characters.');
      return;
    }
    setProblem(null);
    const r = await run(() => api.call('rooms.create', { name: parsed.data, open }));
    if (r.ok) {
      setName('');
      setOpen(false);
      onCreated(r.value.room);
    }
  };

  return (
    <form className="form form--compact" onSubmit={submit} noValidate>
      <input
        className="input"
        data-testid="new-room-name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="Room name"
        aria-label="Room name"
        autoComplete="off"
        disabled={pending}
      />
      <label className="checkbox">
        <input type="checkbox" data-testid="new-room-open" checked={open} onChange={(e) => setOpen(e.target.checked)} disabled={pending} />
        Open — anyone with the room id can join
      </label>
      <HintText text={problem} />
      <ErrorText error={error} />
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid="new-room-submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create'}
        </button>
      </div>
    </form>
  );
}
