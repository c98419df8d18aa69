import { CliErrorCode, SealroomError, type ChatMessage } from '@sealroom/protocol';
import { formatMember, formatMessage, formatRoom, messageJson } from './format.js';
import { LocalApiClient } from './local-api-client.js';

export const SCRIPT_COMMANDS = new Set(['whoami', 'rooms', 'members', 'send', 'messages']);

type Flags = { json: boolean; open: boolean; follow: boolean };

function need(args: string[], n: number, usage: string): string[] {
  if (args.length !== n) throw new SealroomError(CliErrorCode.Usage, `usage: sealroom ${usage}`);
  return args;
}

/** The scripting commands: each is one local-API call (or a stream, for --follow). */
export async function scriptCommand(proxyUrl: string, cmd: string, args: string[], f: Flags): Promise<number> {
  const api = await LocalApiClient.connect(proxyUrl);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    switch (cmd) {
      case 'whoami': {
        const { me } = await api.call('whoami', {});
        if (f.json) out(JSON.stringify(me));
        else out(`${me.handle ?? '(no identity yet)'}  ${me.fingerprint ?? ''}  relay ${me.server} ${me.connected ? 'connected' : 'disconnected'}`);
        return 0;
      }
      case 'rooms': {
        const [sub, ...rest] = args;
        if (sub === 'list') {
          const { rooms } = await api.call('rooms.list', {});
          if (f.json) out(JSON.stringify(rooms));
          else for (const r of rooms) out(formatRoom(r));
          return 0;
        }
        if (sub === 'create') {
          const [name] = need(rest, 1, 'rooms create NAME [--open]');
          const { room } = await api.call('rooms.create', { name: name!, open: f.open });
          out(room.roomId);
          return 0;
        }
        if (sub === 'join') {
          const [roomId] = need(rest, 1, 'rooms join ROOM_ID');
          const { room } = await api.call('rooms.join', { roomId: roomId as never });
          out(room.roomId);
          return 0;
        }
        if (sub === 'invite' || sub === 'remove') {
          const [roomId, handle] = need(rest, 2, `rooms ${sub} ROOM_ID HANDLE`);
          await api.call(sub === 'invite' ? 'rooms.invite' : 'rooms.remove', { roomId: roomId as never, handle: handle as never });
          return 0;
        }
        if (sub === 'leave') {
          const [roomId] = need(rest, 1, 'rooms leave ROOM_ID');
          await api.call('rooms.leave', { roomId: roomId as never });
          return 0;
        }
        throw new SealroomError(CliErrorCode.Usage, 'usage: sealroom rooms list|create|join|invite|remove|leave …');
      }
      case 'members': {
        const [roomId] = need(args, 1, 'members ROOM_ID [--json]');
        const { members } = await api.call('members.list', { roomId: roomId as never });
        if (f.json) out(JSON.stringify(members));
        else for (const m of members) out(formatMember(m));
        return 0;
      }
      case 'send': {
        const [roomId, text] = need(args, 2, 'send ROOM_ID TEXT');
        const { message } = await api.call('messages.send', { roomId: roomId as never, text: text! });
        // Exit 0 only once the relay has durably accepted it; otherwise it stays queued in the proxy.
        if (message.state !== 'sent')
          throw new SealroomError(CliErrorCode.ProxyUnreachable, `message ${message.id} queued but not yet accepted by the relay (${message.state})`);
        out(message.id);
        return 0;
      }
      case 'messages': {
        const [roomId] = need(args, 1, 'messages ROOM_ID [--json] [--follow]');
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
        if (!f.follow) return 0;
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
          api.socket.once('disconnect', () => resolve());
        });
        return 0;
      }
      default:
        throw new SealroomError(CliErrorCode.Usage, `unknown command: ${cmd}`);
    }
  } finally {
    api.close();
  }
}
