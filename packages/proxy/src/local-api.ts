import type { Server, Socket } from 'socket.io';
import type { z } from 'zod';
import {
  ProxyErrorCode,
  SealroomError,
  contactRequest,
  createRoomRequest,
  emptyRequest,
  listEventsRequest,
  verifyRequest,
  inviteRequest,
  listMessagesRequest,
  onboardRequest,
  roomRequest,
  sendRequest,
  type Ack,
  type LocalClientEvents,
  type LocalServerEvents,
  type WhoAmI,
} from '@sealroom/protocol';
import type { SealroomClient } from '@sealroom/client';

type LocalSocket = Socket<LocalClientEvents, LocalServerEvents>;
type Handler<S extends z.ZodType> = (req: z.infer<S>) => Promise<object>;

/**
 * The local API: one socket.io event per command, each payload parsed with its schema first. Errors
 * come back as `{ ok: false, code, message }` with a stable code; never a stack. `loginLink` mints a
 * one-time browser login link (`session.login-link`, for sockets that authenticated with the CLI credential).
 */
export function registerLocalApi(
  io: Server<LocalClientEvents, LocalServerEvents>,
  client: SealroomClient,
  serverUrl: string,
  loginLink: () => string,
): void {
  const whoami = async (): Promise<{ me: WhoAmI }> => ({
    me: { handle: client.handle, fingerprint: await client.myFingerprint(), connected: client.connected, server: serverUrl },
  });

  io.on('connection', (socket: LocalSocket) => {
    const on = <S extends z.ZodType>(event: keyof LocalClientEvents, schema: S, fn: Handler<S>) => {
      (socket as unknown as { on(e: string, l: (...a: unknown[]) => void): void }).on(event, (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return;
        const reply = ack as (r: Ack<object>) => void;
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          reply({ ok: false, code: ProxyErrorCode.BadRequest, message: parsed.error.issues[0]?.message ?? 'bad request' });
          return;
        }
        fn(parsed.data).then(
          (data) => reply({ ok: true, ...data }),
          (e: unknown) =>
            reply(
              e instanceof SealroomError
                ? { ok: false, code: e.code, message: e.message }
                : { ok: false, code: ProxyErrorCode.Internal, message: 'internal error' },
            ),
        );
      });
    };

    on('whoami', emptyRequest, whoami);
    on('onboard', onboardRequest, async (r) => {
      await client.onboard(r.handle);
      return whoami();
    });
    on('rooms.list', emptyRequest, async () => ({ rooms: await client.listRooms() }));
    on('rooms.create', createRoomRequest, async (r) => ({ room: await client.createRoom(r.name, r.open) }));
    on('rooms.join', roomRequest, async (r) => ({ room: await client.joinRoom(r.roomId) }));
    on('rooms.rejoin', roomRequest, async (r) => ({ room: await client.rejoin(r.roomId) }));
    on('rooms.invite', inviteRequest, async (r) => {
      await client.invite(r.roomId, r.handle);
      return {};
    });
    on('rooms.remove', inviteRequest, async (r) => {
      await client.remove(r.roomId, r.handle);
      return {};
    });
    on('rooms.leave', roomRequest, async (r) => {
      await client.leave(r.roomId);
      return {};
    });
    on('members.list', roomRequest, async (r) => ({ members: await client.members(r.roomId) }));
    on('messages.send', sendRequest, async (r) => ({
      message: await client.sendText(r.roomId, r.text, r.clientId !== undefined ? { clientId: r.clientId } : {}),
    }));
    on('messages.list', listMessagesRequest, async (r) => ({ messages: await client.messages(r.roomId, r.limit ?? 200) }));
    on('contacts.list', emptyRequest, async () => ({ contacts: await client.contacts() }));
    on('contacts.safety-number', contactRequest, async (r) => ({ safety: await client.safetyNumber(r.handle) }));
    on('contacts.verify', verifyRequest, async (r) => ({ contact: await client.verify(r.handle, r.digits) }));
    on('contacts.trust', contactRequest, async (r) => ({ contact: await client.trust(r.handle) }));
    on('invites.list', emptyRequest, async () => ({ invites: await client.invitations() }));
    on('invites.accept', roomRequest, async (r) => ({ room: await client.acceptInvitation(r.roomId) }));
    on('invites.decline', roomRequest, async (r) => {
      await client.declineInvitation(r.roomId);
      return {};
    });
    on('events.list', listEventsRequest, async (r) => ({ events: await client.securityEvents(r.after ?? 0, r.limit ?? 200) }));
    // A browser session could only mint what it already has; keeping this to the CLI credential means a
    // stolen cookie cannot be turned into fresh links for other browsers.
    on('session.login-link', emptyRequest, async () => {
      if ((socket.data as { via?: string }).via !== 'credential')
        throw new SealroomError(ProxyErrorCode.BadToken, 'a login link needs the CLI credential (sealroom open)');
      return { url: loginLink() };
    });
  });

  client.on('message', (m) => io.emit('message', m));
  client.on('room', (r) => io.emit('room', r));
  client.on('status', (s) => io.emit('status', s));
  client.on('security', (e) => io.emit('security.event', e));
  client.on('contact', (c) => io.emit('contact', c));
  client.on('invites', (invites) => io.emit('invites', { invites }));
}
