import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '@sealroom/protocol';
import { EventItem } from '../src/components/event-item.tsx';
import { MessageItem } from '../src/components/message-item.tsx';

// issue 8: names and event texts are rendered with bidi overrides and zero-width characters as visible
// markers — a name like "invoice" + U+202E + "exe.pdf" must not read as "invoicefdp.exe".
describe('what the UI renders shows reordering characters instead of obeying them', () => {
  it('a security event about a renamed room: the text and the handle carry markers, never the raw RLO', () => {
    const event: SecurityEvent = {
      id: 1,
      time: 1_700_000_000_000,
      kind: 'room-renamed',
      roomId: 'a'.repeat(32),
      handle: 'mal\u200Dlory',
      code: null,
      text: 'mallory renamed the room to "invoice\u202Eexe.pdf"',
    };
    const html = renderToStaticMarkup(createElement(EventItem, { event }));
    expect(html).toContain('invoice⟪U+202E⟫exe.pdf');
    expect(html).toContain('mal⟪U+200D⟫lory');
    expect(html).not.toMatch(/[\u202e\u200d]/);
  });

  it("a message's sender is shown with markers (the text itself keeps right-to-left scripts as they are)", () => {
    const html = renderToStaticMarkup(
      createElement(MessageItem, {
        message: { id: 'b'.repeat(32), roomId: 'a'.repeat(32), sender: 'bo\u202Eb', text: 'مرحبا', time: 1_700_000_000_000, seq: 3, state: 'received', own: false },
        senderState: 'new',
      }),
    );
    expect(html).toContain('bo⟪U+202E⟫b');
    expect(html).toContain('مرحبا');
  });
});
