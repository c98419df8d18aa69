import { useState } from 'react';
import type { FormEvent } from 'react';
import type { WhoAmI } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { asHandle, handleProblem } from '../lib/ids.ts';
import { ErrorText, HintText } from './error-text.tsx';
import { StatusScreen } from './status-screen.tsx';

export function Onboarding({ me, onDone }: { me: WhoAmI; onDone: (me: WhoAmI) => void }) {
  const api = useApi();
  const [handle, setHandle] = useState('');
  const [touched, setTouched] = useState(false);
  const { run, pending, error } = useAction();
  const problem = handleProblem(handle);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (problem !== null || pending) return;
    const r = await run(() => api.call('onboard', { handle: asHandle(handle) }));
    if (r.ok) onDone(r.value.me);
  };

  return (
    <StatusScreen title="Choose your handle" testId="onboarding">
      <p className="muted">
        Others will invite you by this name. It is registered on the relay <code>{me.server}</code> together with a
        new key that never leaves this computer.
      </p>
      <form className="form" onSubmit={submit} noValidate>
        <label className="field">
          <span className="field__label">Handle</span>
          <input
            className="input"
            data-testid="onboard-handle"
            value={handle}
            onChange={(e) => setHandle(e.target.value)}
            onBlur={() => setTouched(handle !== '')}
            placeholder="e.g. alice"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={64}
            autoFocus
            disabled={pending}
            aria-invalid={touched && problem !== null}
          />
        </label>
        <p className="hint">1–32 characters: a-z, 0-9, _ . - (lowercase).</p>
        {touched ? <HintText text={problem} /> : null}
        <ErrorText error={error} />
        <button type="submit" className="button button--primary" data-testid="onboard-submit" disabled={pending}>
          {pending ? 'Creating identity…' : 'Continue'}
        </button>
        {!me.connected ? <p className="hint">The relay is not connected yet; onboarding needs it.</p> : null}
      </form>
    </StatusScreen>
  );
}
