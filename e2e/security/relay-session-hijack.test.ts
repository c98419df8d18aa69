import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayIn, tempDir, type Relay } from '../harness.js';
import { rawSocketIo, sidUpgrade } from '../../packages/proxy/test/raw-clients.js';

// engine.io runs its handshake checks only for requests without a session id. The relay refuses any
// request that names one, so nobody who learns a device's sid can attach a second WebSocket to its
// authenticated session and act as that device.
describe('relay: no session takeover by sid', () => {
  const tmp = tempDir('hijack');
  let relay: Relay;
  beforeAll(async () => {
    relay = await relayIn(tmp.dir);
  });
  afterAll(async () => {
    await relay?.close();
    tmp.cleanup();
  });

  it('a second WebSocket naming a live sid is refused', async () => {
    const port = relay.port;
    const victim = await rawSocketIo(port, {});
    expect(victim.kind).toBe('connected');
    if (victim.kind !== 'connected') return;
    try {
      // Control: the victim's own session answers.
      expect(await victim.conn.call('hello', { protocol: 1 })).toMatchObject({ ok: true });
      const sid = (JSON.parse(victim.conn.frames[0]!.slice(1)) as { sid: string }).sid;
      const attack = await sidUpgrade(port, sid, {});
      expect(attack.outcome).toBe('refused');
      expect(attack.frames).not.toContain('3probe');
    } finally {
      victim.conn.close();
    }
  });
});
