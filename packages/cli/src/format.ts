import type { ChatMessage, Contact, ContactState, Invitation, Member, RoomSummary, SafetyNumber, SecurityEvent } from '@sealroom/protocol';

// Everything here ends up on a terminal. Text that another party chose (message text, room names, event
// text, an inviter's claim) goes through escapeControls so it can never rewrite the screen, and every
// time goes through formatTime because a sender's clock is theirs to pick.

/** One line per message; control characters are escaped so a message can never rewrite the terminal. */
export function formatMessage(m: ChatMessage): string {
  const body = m.state === 'undecryptable' ? '(message could not be decrypted)' : escapeControls(m.text);
  const state = m.own ? ` [${m.state}]` : m.state === 'received' ? '' : ` [${m.state}]`;
  return `${formatTime(m.time)} <${escapeControls(m.sender)}> ${body}${state}`;
}

export function formatRoom(r: RoomSummary): string {
  const name = r.name === null ? '(name not known yet)' : escapeControls(r.name);
  const held = r.keyChanged.length > 0 ? `  ! key changed: ${r.keyChanged.map(escapeControls).join(', ')} (sending blocked)` : '';
  const recovery =
    r.status === 'out-of-sync'
      ? `  ! out of sync: ${escapeControls(r.reason ?? 'unknown reason')} (${r.recovery === 'rejoin' ? `sealroom rooms rejoin ${r.roomId}` : 'ask to be re-added'})`
      : '';
  return `${r.roomId}  ${r.open ? 'open  ' : 'invite'}  ${String(r.members).padStart(3)} members  ${r.status.padEnd(11)}  ${name}${held}${recovery}`;
}

const BADGES: Record<ContactState | 'self', string> = {
  self: '(you)',
  new: 'new',
  verified: '✓ verified',
  changed: '! KEY CHANGED',
};

/** How a contact's trust state reads in a list: verified ones get a check mark, a changed key a warning. */
export function stateBadge(state: ContactState | 'self'): string {
  return BADGES[state] ?? escapeControls(String(state));
}

export function formatMember(m: Member): string {
  const badge = m.self ? BADGES.self : stateBadge(m.state);
  return `${escapeControls(m.handle)}  ${badge}  ${m.fingerprint}${m.state === 'changed' && !m.self ? changedHint(m.handle) : ''}`;
}

export function formatContact(c: Contact): string {
  const verified = c.verifiedAt === null ? '' : `  verified ${formatTime(c.verifiedAt)}`;
  const pending = c.pendingFingerprint === null ? '' : `  new key ${escapeControls(c.pendingFingerprint)}`;
  const hint = c.state === 'changed' ? changedHint(c.handle) : '';
  return `${escapeControls(c.handle)}  ${stateBadge(c.state)}  ${escapeControls(c.fingerprint)}  first seen ${formatTime(c.firstSeen)}${verified}${pending}${hint}`;
}

function changedHint(handle: string): string {
  return `  (compare safety numbers, then: sealroom trust ${escapeControls(handle)})`;
}

/** The 60 digits as 3 lines of 4 groups of 5 (the layout both devices show), then whose and what state. */
export function formatSafetyNumber(s: SafetyNumber): string[] {
  const digits = s.digits.replace(/\s+/g, '');
  const groups = digits.match(/.{1,5}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 4) lines.push(escapeControls(groups.slice(i, i + 4).join(' ')));
  lines.push(`${escapeControls(s.handle)}  ${stateBadge(s.state)}`);
  return lines;
}

export function formatInvitation(i: Invitation): string {
  const name = i.name === null ? '(no name)' : escapeControls(i.name);
  const from = i.invitedBy === null ? '(inviter not named)' : escapeControls(i.invitedBy);
  return `${i.roomId}  ${i.open ? 'open  ' : 'invite'}  ${String(i.members.length).padStart(3)} members  from ${from}  ${formatTime(i.receivedAt)}  ${name}`;
}

/** One line per security event: time, kind, room, handle, then the code (for warnings) and the text. */
export function formatEvent(e: SecurityEvent): string {
  const code = e.code === null ? '' : `${escapeControls(e.code)}: `;
  const about = [e.kind, e.roomId ?? '-', e.handle ?? '-'].map(escapeControls).join('  ');
  return `${formatTime(e.time)}  ${about}  ${code}${escapeControls(e.text)}`;
}

export function messageJson(m: ChatMessage): string {
  return jsonLine({ id: m.id, room: m.roomId, sender: m.sender, text: m.text, time: m.time, state: m.state, seq: m.seq });
}

/**
 * JSON for `--json` output. JSON.stringify escapes C0 controls but leaves DEL, C1 controls (U+009B is a CSI
 * on some terminals), bidi controls and zero-width characters raw; escaping them too keeps the line safe to
 * print and parses to the same value (outside strings, JSON is plain ASCII).
 */
export function jsonLine(v: unknown): string {
  return JSON.stringify(v).replace(UNSAFE_GLOBAL, hexEscape);
}

/** `YYYY-MM-DD HH:MM:SS` (UTC), or the raw number for a time no date can show (NaN, ±Infinity, beyond year 9999). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  // new Date(9e15).toISOString() throws; years outside 0000–9999 come out as ±YYYYYY and would be cut wrong.
  if (!Number.isFinite(d.getTime())) return String(ms);
  const iso = d.toISOString();
  return /^\d{4}-/.test(iso) ? iso.replace('T', ' ').slice(0, 19) : String(ms);
}

/**
 * What plain output never prints raw: C0 controls (newlines and tabs too: every record is one line, so a
 * message cannot forge the next line), DEL and C1 controls (U+009B is a CSI on some terminals), the line and
 * paragraph separators U+2028/2029, bidi controls that reorder what follows (U+061C, U+200E/200F, U+202A–202E,
 * U+2066–2069) and invisible characters that make different text look alike (U+200B–200D, U+2060–2064,
 * U+206A–206F, U+FEFF).
 */
export const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;
const UNSAFE_GLOBAL = new RegExp(UNSAFE_FOR_TERMINAL.source, 'g');

/** Escape everything in UNSAFE_FOR_TERMINAL as `\uXXXX`, so the text reads the same on every terminal. */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE_GLOBAL, hexEscape);
}

function hexEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
