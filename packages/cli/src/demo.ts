import { join } from 'node:path';
import { closeOnSignal, runProxy, runServer } from './run-parts.js';

/**
 * One command, the whole picture: a relay with SQLite and two proxies, alice and bob, on loopback.
 * Data persists in `dataDir`, so a second run picks up the same identities and rooms.
 */
export async function runDemo(dataDir: string): Promise<void> {
  const serverPort = Number(process.env['SEALROOM_DEMO_SERVER_PORT'] ?? 3001);
  const alicePort = Number(process.env['SEALROOM_DEMO_ALICE_PORT'] ?? 3003);
  const bobPort = Number(process.env['SEALROOM_DEMO_BOB_PORT'] ?? 3004);
  const relay = await runServer({ port: serverPort, host: '127.0.0.1', dataDir: join(dataDir, 'server'), quiet: true });
  const serverUrl = `http://127.0.0.1:${relay.port}`;
  const alice = await runProxy({ port: alicePort, serverUrl, dataDir: join(dataDir, 'alice'), handle: 'alice', label: 'alice' });
  const bob = await runProxy({ port: bobPort, serverUrl, dataDir: join(dataDir, 'bob'), handle: 'bob', label: 'bob' });
  console.log(`Sealroom demo: relay on ${serverUrl} (SQLite in ${join(dataDir, 'server')})`);
  console.log(`Sealroom proxy for alice: ${alice.url}`);
  console.log(`Sealroom proxy for bob: ${bob.url}`);
  console.log('Open both links (each works once, for 5 minutes; `sealroom open --proxy DIR` prints a new one, DIR being');
  console.log(`${join(dataDir, 'alice')} or ${join(dataDir, 'bob')}). As alice: create a room, invite "bob" (or make it open and join`);
  console.log('by id as bob), and chat.');
  console.log('Ctrl-C stops everything.');
  await closeOnSignal([relay, alice, bob], (s) => console.error(s));
}
