import { useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { Limits } from '@sealroom/protocol';
import type { ChatMessage } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { asRoomId } from '../lib/ids.ts';
import { ErrorText, HintText } from './error-text.tsx';

type Props = { roomId: string; disabledReason: string | null; onSent: (m: ChatMessage) => void };

/** Enter sends, Shift+Enter inserts a newline. The text is kept until the proxy accepts it. */
export function Composer({ roomId, disabledReason, onSent }: Props) {
  const api = useApi();
  const [text, setText] = useState('');
  const { run, pending, error, clearError } = useAction();
  const input = useRef<HTMLTextAreaElement>(null);
  const tooLong = text.length > Limits.textChars;

  const send = async () => {
    if (pending || disabledReason !== null || tooLong || text.trim() === '') return;
    const r = await run(() => api.call('messages.send', { roomId: asRoomId(roomId), text }));
    if (r.ok) {
      setText('');
      onSent(r.value.message);
    }
    // The textarea was disabled while sending, which drops focus: give it back.
    requestAnimationFrame(() => input.current?.focus());
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  const disabled = disabledReason !== null;
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <ErrorText error={error} />
      {tooLong ? <HintText text={`Too long: ${text.length} / ${Limits.textChars} characters.`} /> : null}
      <div className="composer__row">
        <textarea
          ref={input}
          className="composer__input"
          data-testid="composer"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (error !== null) clearError();
          }}
          onKeyDown={onKeyDown}
          placeholder={disabledReason ?? 'Write a message — Enter to send, Shift+Enter for a new line'}
          aria-label="Message"
          rows={2}
          disabled={disabled || pending}
        />
        <button
          type="submit"
          className="button button--primary composer__send"
          data-testid="composer-send"
          disabled={disabled || pending || tooLong || text.trim() === ''}
        >
          {pending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
