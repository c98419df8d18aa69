import { CliErrorCode, SealroomError, clientIdSchema, loginLinkAnswer, missingCaseError, type ChatMessage } from '@sealroom/protocol';
import { CONTACT_COMMANDS, planContactCommand } from './contact-commands.js';
import { planEventsCommand } from './event-commands.js';
import { formatMember, formatMessage, formatRoom, jsonLine, messageJson } from './format.js';
import { planInviteCommand } from './invite-commands.js';
import { LocalApiClient } from './local-api-client.js';
import { need, untilStopped, usageError, type ScriptFlags, type ScriptRun } from './_script.js';

export type { ScriptFlags } from './_script.js';

export const SCRIPT_COMMANDS = new Set(['whoami', 'open', 'rooms', 'members', 'send', 'messages', 'invites', 'events', ...CONTACT_COMMANDS]);

/**
 * Check a scripting command's arguments and return what it will do. Throws a usage error (exit 2) before
 * anything connects, so a mistyped command never reaches the proxy.
 */
export function planScriptCommand(cmd: string, args: string[], f: ScriptFlags): ScriptRun {
  // A safety number given to the wrong command would be silently ignored; the user meant to check it.
  if (f.number !== undefined && cmd !== 'verify') throw usageError('verify HANDLE --number DIGITS  (--number is only for verify)');
  if (CONTACT_COMMANDS.has(cmd)) return planContactCommand(cmd, args, f);
  switch (cmd) {
    case 'whoami':
      need(args, 0, 'whoami [--json]');
      return async (api, out) => {
        const { me } = await api.call('whoami', {});
        if (f.json) out(jsonLine(me));
        else out(`${me.handle ?? '(no identity yet)'}  ${me.fingerprint ?? ''}  relay ${me.server} ${me.connected ? 'connected' : 'disconnected'}`);
        return 0;
      };
    case 'open':
      need(args, 0, 'open [--proxy DIR]');
      return async (api, out) => {
        const { url } = await api.call('session.login-link', {});
        // The line is pasted into a browser: hold the proxy's answer to the link's exact shape.
        const link = loginLinkAnswer.safeParse({ url });
        if (!link.success) throw new SealroomError(CliErrorCode.ProxyUnreachable, 'the proxy answered something that is not a login link');
        out(link.data.url);
        return 0;
      };
    case 'rooms':
      return planRoomsCommand(args, f);
    case 'members': {
      const [roomId] = need(args, 1, 'members ROOM_ID [--json]');
      return async (api, out) => {
        const { members } = await api.call('members.list', { roomId: roomId as never });
        if (f.json) out(jsonLine(members));
        else for (const m of members) out(formatMember(m));
        return 0;
      };
    }
    case 'send': {
      const [roomId, text] = need(args, 2, 'send ROOM_ID TEXT [--id ID] [--wait]');
      if (f.id !== undefined && !clientIdSchema.safeParse(f.id).success)
        throw usageError('send ROOM_ID TEXT --id ID  (ID: 1–128 printable ASCII characters, no spaces)');
      const waitMs = f.timeout === undefined ? null : Number(f.timeout) * 1000;
      if (f.timeout !== undefined && (f.wait !== true || !Number.isFinite(waitMs) || waitMs! <= 0 || waitMs! > 86_400_000))
        throw usageError('send ROOM_ID TEXT --wait --timeout SECONDS  (--timeout: 1–86400 seconds, with --wait)');
      return async (api, out) => {
        // Subscribed before sending, so an acceptance that comes right after the answer is not missed.
        const settled = f.wait === true ? settledStates(api, roomId!) : null;
        const { message } = await api.call('messages.send', { roomId: roomId as never, text: text!, ...(f.id !== undefined ? { clientId: f.id } : {}) });
        let state = message.state;
        if (state === 'sending' && settled) state = await settled.until(message.id, waitMs);
        settled?.stop();
        out(message.id);
        return sendExit(message.id, state);
      };
    }
    case 'messages': {
      const [roomId] = need(args, 1, 'messages ROOM_ID [--json] [--follow]');
      return async (api, out) => {
        const print = (m: ChatMessage) => out(f.json ? messageJson(m) : formatMessage(m));
        const seen = new Set<string>();
        if (f.follow) {
          api.socket.on('message', (m) => {
            if (m.roomId !== roomId || seen.has(`${m.id}:${m.state}`)) return;
            seen.add(`${m.id}:${m.state}`);
            if (m.state !== 'sending') print(m);
          });
        }
        const { messages } = await api.call('messages.list', { roomId: roomId as never, limit: 1000 });
        for (const m of messages) {
          seen.add(`${m.id}:${m.state}`);
          print(m);
        }
        if (f.follow) await untilStopped(api);
        return 0;
      };
    }
    case 'invites':
      return planInviteCommand(args, f);
    case 'events':
      return planEventsCommand(args, f);
    default:
      throw new SealroomError(CliErrorCode.Usage, `unknown command: ${cmd}`);
  }
}

function planRoomsCommand(args: string[], f: ScriptFlags): ScriptRun {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      need(rest, 0, 'rooms list [--json]');
      return async (api, out) => {
        const { rooms } = await api.call('rooms.list', {});
        if (f.json) out(jsonLine(rooms));
        else for (const r of rooms) out(formatRoom(r));
        return 0;
      };
    case 'create': {
      const [name] = need(rest, 1, 'rooms create NAME [--open]');
      return async (api, out) => {
        const { room } = await api.call('rooms.create', { name: name!, open: f.open });
        out(room.roomId);
        return 0;
      };
    }
    case 'join': {
      const [roomId] = need(rest, 1, 'rooms join ROOM_ID');
      return async (api, out) => {
        const { room } = await api.call('rooms.join', { roomId: roomId as never });
        out(room.roomId);
        return 0;
      };
    }
    case 'rejoin': {
      const [roomId] = need(rest, 1, 'rooms rejoin ROOM_ID');
      return async (api, out) => {
        const { room } = await api.call('rooms.rejoin', { roomId: roomId as never });
        out(room.roomId);
        return 0;
      };
    }
    case 'invite':
    case 'remove': {
      const [roomId, handle] = need(rest, 2, `rooms ${sub} ROOM_ID HANDLE`);
      return async (api) => {
        await api.call(sub === 'invite' ? 'rooms.invite' : 'rooms.remove', { roomId: roomId as never, handle: handle as never });
        return 0;
      };
    }
    case 'leave': {
      const [roomId] = need(rest, 1, 'rooms leave ROOM_ID');
      return async (api) => {
        await api.call('rooms.leave', { roomId: roomId as never });
        return 0;
      };
    }
    default:
      throw usageError('rooms list|create|join|rejoin|invite|remove|leave …');
  }
}

/**
 * Run one scripting command against the proxy whose data directory (or access file) is `proxy`: one
 * local-API call (or a stream, for --follow).
 */
export async function scriptCommand(proxy: string, cmd: string, args: string[], f: ScriptFlags): Promise<number> {
  const run = planScriptCommand(cmd, args, f);
  const api = await LocalApiClient.connect(proxy);
  try {
    return await run(api, (s) => process.stdout.write(`${s}\n`));
  } finally {
    api.close();
  }
}

/**
 * Exit codes of `sealroom send` (README "Scripting"): 0 the relay durably accepted it; 3 queued — the proxy
 * holds it and sends it when the relay can take it (resending with the same --id is safe); 1 refused.
 */
export const SendExit = { Accepted: 0, Refused: 1, Queued: 3 } as const;

function sendExit(id: string, state: ChatMessage['state']): number {
  switch (state) {
    case 'sent':
      return SendExit.Accepted;
    case 'sending':
      process.stderr.write(`sealroom: message ${id} is queued in the proxy: the relay has not accepted it yet; it goes out when the relay can take it\n`);
      return SendExit.Queued;
    case 'failed':
    case 'received':
    case 'missing':
    case 'undecryptable':
      process.stderr.write(`sealroom: message ${id} was refused (${state})\n`);
      return SendExit.Refused;
    default:
      throw missingCaseError(state);
  }
}

/** Message pushes for one room, to wait until a message is accepted or refused (`send --wait`). */
function settledStates(api: LocalApiClient, roomId: string) {
  const latest = new Map<string, ChatMessage['state']>();
  const waiters = new Map<string, (s: ChatMessage['state']) => void>();
  const onMessage = (m: ChatMessage) => {
    if (m.roomId !== roomId || m.state === 'sending') return;
    latest.set(m.id, m.state);
    waiters.get(m.id)?.(m.state);
  };
  api.socket.on('message', onMessage);
  return {
    /** The message's state once it is no longer `sending`; still `sending` if `timeoutMs` passes first. */
    async until(id: string, timeoutMs: number | null): Promise<ChatMessage['state']> {
      const known = latest.get(id);
      if (known !== undefined) return known;
      // Settled between the answer and now, before a push reached us: ask once.
      const { messages } = await api.call('messages.list', { roomId: roomId as never, limit: 1000 });
      const now = messages.find((m) => m.id === id)?.state;
      if (now !== undefined && now !== 'sending') return now;
      return new Promise((resolve) => {
        const t = timeoutMs === null ? null : setTimeout(() => resolve('sending'), timeoutMs);
        waiters.set(id, (s) => {
          if (t !== null) clearTimeout(t);
          resolve(s);
        });
      });
    },
    stop: () => api.socket.off('message', onMessage),
  };
}

