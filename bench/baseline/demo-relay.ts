// The original demo's relay, reproduced from its README (../shared/seed/original-demo-README.md): it keeps
// every user's public DH key and broadcasts each ciphertext to everyone (K−1 ciphertexts per chat message,
// each to all K users: K² emits), leaving each proxy to pick out the one addressed to it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { serve } from '../worker-rpc.js';

export type DemoKey = { id: string; publicKey: string };
export type DemoCiphertext = { from: string; to: string; iv: string; data: string };

serve({
  async listen() {
    const http = createServer();
    const io = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 1e6 });
    const keys = new Map<string, string>();
    io.on('connection', (socket) => {
      socket.on('join', (k: DemoKey) => {
        keys.set(k.id, k.publicKey);
        io.emit('keys', [...keys].map(([id, publicKey]) => ({ id, publicKey })));
      });
      socket.on('msg', (m: DemoCiphertext) => {
        io.emit('msg', m);
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  },
});
