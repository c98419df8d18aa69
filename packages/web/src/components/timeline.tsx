import { useLayoutEffect, useRef } from 'react';
import type { ChatMessage } from '@sealroom/protocol';
import { useTrust } from '../hooks/trust-context.ts';
import { trustStateOf } from '../lib/trust.ts';
import { ErrorText } from './error-text.tsx';
import { MessageItem } from './message-item.tsx';

/** Within this many pixels of the bottom counts as "reading the latest": new messages then scroll into view. */
const STICKY_PX = 120;

type Props = { roomId: string; messages: readonly ChatMessage[]; loading: boolean; error: unknown };

export function Timeline({ roomId, messages, loading, error }: Props) {
  const { contacts } = useTrust();
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const seen = useRef<{ roomId: string; count: number; lastId: string | undefined }>({ roomId, count: 0, lastId: undefined });

  const onScroll = () => {
    const el = scroller.current;
    if (el !== null) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
  };

  // Keep the latest message in view when the pane resizes (window, composer growing, error line).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const last = messages.at(-1);
    const prev = seen.current;
    const roomChanged = prev.roomId !== roomId;
    const grew = messages.length !== prev.count || last?.id !== prev.lastId;
    seen.current = { roomId, count: messages.length, lastId: last?.id };
    // Always follow on opening a room and for own messages; otherwise only if the reader is at the bottom.
    if (roomChanged || (grew && (stick.current || last?.own === true))) {
      el.scrollTop = el.scrollHeight;
      stick.current = true;
    }
  }, [roomId, messages]);

  return (
    <div className="timeline" ref={scroller} onScroll={onScroll} data-testid="timeline">
      <ErrorText error={error} />
      {messages.length === 0 && !loading ? <p className="muted empty-note">No messages yet. Say hello.</p> : null}
      <ol className="timeline__list" aria-live="polite">
        {messages.map((m) => (
          <MessageItem key={m.id} message={m} senderState={m.own ? 'self' : trustStateOf(m.sender, contacts)} />
        ))}
      </ol>
    </div>
  );
}
