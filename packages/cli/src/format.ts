import type { ChatMessage, Member, RoomSummary } from '@sealroom/protocol';

/** One line per message; control characters are escaped so a message can never rewrite the terminal. */
export function formatMessage(m: ChatMessage): string {
  const t = new Date(m.time).toISOString().replace('T', ' ').slice(0, 19);
  const body = m.state === 'undecryptable' ? '(message could not be decrypted)' : escapeControls(m.text);
  const state = m.own ? ` [${m.state}]` : m.state === 'received' ? '' : ` [${m.state}]`;
  return `${t} <${m.sender}> ${body}${state}`;
}

export function formatRoom(r: RoomSummary): string {
  const name = r.name === null ? '(name not known yet)' : escapeControls(r.name);
  return `${r.roomId}  ${r.open ? 'open  ' : 'invite'}  ${String(r.members).padStart(3)} members  ${r.status.padEnd(7)}  ${name}`;
}

export function formatMember(m: Member): string {
  return `${m.handle}${m.self ? ' (you)' : ''}  ${m.fingerprint}`;
}

export function messageJson(m: ChatMessage): string {
  return JSON.stringify({ id: m.id, room: m.roomId, sender: m.sender, text: m.text, time: m.time, state: m.state, seq: m.seq });
}

export function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
