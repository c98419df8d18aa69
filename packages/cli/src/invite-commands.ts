import { formatInvitation, jsonLine } from './format.js';
import { need, usageError, type ScriptFlags, type ScriptRun } from './_script.js';

const USAGE = 'invites [list] [--json] | invites accept ROOM_ID | invites decline ROOM_ID';

/** invites [list], invites accept, invites decline: Welcomes wait here until the user decides. */
export function planInviteCommand(args: string[], f: ScriptFlags): ScriptRun {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'list') {
    need(rest, 0, USAGE);
    return async (api, out) => {
      const { invites } = await api.call('invites.list', {});
      if (f.json) out(jsonLine(invites));
      else for (const i of invites) out(formatInvitation(i));
      return 0;
    };
  }
  if (sub === 'accept') {
    const [roomId] = need(rest, 1, 'invites accept ROOM_ID');
    return async (api, out) => {
      const { room } = await api.call('invites.accept', { roomId: roomId as never });
      out(room.roomId);
      return 0;
    };
  }
  if (sub === 'decline') {
    const [roomId] = need(rest, 1, 'invites decline ROOM_ID');
    return async (api) => {
      await api.call('invites.decline', { roomId: roomId as never });
      return 0;
    };
  }
  throw usageError(USAGE);
}
