import { memo } from 'react';
import type { ChatMessage, MessageState } from '@sealroom/protocol';
import { formatDateTime, formatTime, isoTime } from '../lib/format.ts';
import type { TrustState } from '../lib/trust.ts';
import { TrustBadge } from './trust-badge.tsx';
import { visibleText } from '../lib/visible-text.ts';

const ownStateLabel: Partial<Record<MessageState, string>> = {
  sending: 'sending…',
  sent: 'sent ✓',
  failed: 'failed ✗',
};

/** One message. Everything from the network is rendered as React text children, never as markup. */
export const MessageItem = memo(function MessageItem({ message, senderState }: { message: ChatMessage; senderState: TrustState }) {
  const { own, state } = message;
  const stateLabel = own ? ownStateLabel[state] : undefined;
  return (
    <li
      className={`message ${own ? 'message--own' : 'message--other'} message--${state}`}
      data-testid="message"
      data-id={message.id}
      data-state={state}
      data-sender={message.sender}
      data-own={own ? 'true' : 'false'}
    >
      <div className="message__bubble">
        <div className="message__meta">
          <span className="message__sender">{own ? 'you' : visibleText(message.sender)}</span>
          {own ? null : <TrustBadge state={senderState} handle={message.sender} />}
          <time className="message__time" dateTime={isoTime(message.time)} title={formatDateTime(message.time)}>
            {formatTime(message.time)}
          </time>
        </div>
        {state === 'undecryptable' ? (
          <p className="message__notice" data-testid="message-undecryptable">
            This message could not be decrypted.
          </p>
        ) : state === 'missing' ? (
          <p className="message__notice" data-testid="message-missing">
            {message.text} (never delivered to this device).
          </p>
        ) : (
          <p className="message__text" data-testid="message-text">
            {message.text}
          </p>
        )}
        {stateLabel !== undefined ? (
          <div className={`message__state message__state--${state}`} data-testid="message-state">
            {stateLabel}
          </div>
        ) : null}
      </div>
    </li>
  );
});
