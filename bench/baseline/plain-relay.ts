// A plain socket.io relay: join a room, send a payload, everyone in the room (sender included, as the
// Sealroom relay's io.to(room)) gets it. No accounts, no storage, no checks: the framework's own cost.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { serve } from '../worker-rpc.js';

serve({
  async listen() {
    const http = createServer();
    const io = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 1e6 });
    io.on('connection', (socket) => {
      socket.on('join', (room: string, ack: (r: { ok: true }) => void) => {
        void socket.join(room);
        ack({ ok: true });
      });
      socket.on('send', (m: { room: string; data: string }, ack: (r: { ok: true }) => void) => {
        io.to(m.room).emit('entry', m);
        ack({ ok: true });
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  },
});
