import { parseArgs } from 'node:util';
import { CliErrorCode, SealroomError } from '@sealroom/protocol';
import { checkProxyTarget } from './local-api-client.js';
import { scriptCommand, SCRIPT_COMMANDS } from './script-commands.js';
import { DEFAULT_PROXY_PORT, DEFAULT_SERVER_PORT } from './defaults.js';

const USAGE = `sealroom — end-to-end encrypted group chat on MLS

Run the parts:
  sealroom server [PORT] [--host H] [--data DIR] [--public-url URL]...
                 [--limit NAME=N]... [--reserved-handles A,B*] [--client-ip-header H]
                                                          relay (default 3001, data .sealroom/server);
                                                          limits and defaults: docs/protocol.md "Limits"
  sealroom proxy [PORT] [SERVER_URL] [--data DIR] [--handle NAME] [--auto-accept none|verified]
                                                          your local crypto agent + web UI (default 3003,
                                                          data .sealroom/proxy-PORT); prints a one-time
                                                          login link for the browser (works once, 5 min);
                                                          --auto-accept verified joins invitations from
                                                          verified contacts without asking (default none)
                 [--passphrase-file PATH]                 seal the data directory with the passphrase in
                                                          PATH (or SEALROOM_PASSPHRASE): docs/security.md
  sealroom demo [--data DIR]                              server + proxies for alice and bob

Script a running proxy: --proxy DIR or SEALROOM_PROXY=DIR names its data directory (default
.sealroom/proxy-3003), where it keeps its address and credential (proxy-access.json, mode 0600):
  sealroom open                                           print a fresh one-time login link for the browser
  sealroom whoami
  sealroom rooms list [--json]
  sealroom rooms create NAME [--open]
  sealroom rooms join ROOM_ID
  sealroom rooms rejoin ROOM_ID                           an open room that is out of sync on this device
  sealroom rooms invite ROOM_ID HANDLE
  sealroom rooms remove ROOM_ID HANDLE
  sealroom rooms leave ROOM_ID
  sealroom members ROOM_ID [--json]                       each with its trust state (✓ verified, ! KEY CHANGED)
  sealroom send ROOM_ID TEXT [--id ID] [--wait [--timeout S]]
                                                          exit 0: the relay accepted it; 3: queued in the
                                                          proxy, goes out when the relay can take it; 1:
                                                          refused. --id ID: resending with the same ID never
                                                          makes a second message; --wait: until accepted
                                                          (or S seconds, then exit 3)
  sealroom messages ROOM_ID [--json] [--follow]
  sealroom invites [--json]                               invitations waiting for you; nothing is joined before
  sealroom invites accept ROOM_ID
  sealroom invites decline ROOM_ID
  sealroom contacts [--json]
  sealroom safety-number HANDLE [--json]                  compare it with HANDLE's screen, then verify
  sealroom verify HANDLE [--number DIGITS]                with --number, only if DIGITS is the current number
  sealroom trust HANDLE                                   accept HANDLE's changed key
  sealroom events [--json] [--follow]                     security events (key changes, refused credentials…)
`;

function port(s: string | undefined, dflt: number): number {
  if (s === undefined) return dflt;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new SealroomError(CliErrorCode.Usage, `not a port: ${s}`);
  return n;
}

/** Entry point; returns the exit code. Errors print one line naming the problem. */
export async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        host: { type: 'string' },
        'public-url': { type: 'string', multiple: true },
        limit: { type: 'string', multiple: true },
        'reserved-handles': { type: 'string' },
        'client-ip-header': { type: 'string' },
        data: { type: 'string' },
        handle: { type: 'string' },
        proxy: { type: 'string' },
        json: { type: 'boolean' },
        open: { type: 'boolean' },
        follow: { type: 'boolean' },
        number: { type: 'string' },
        id: { type: 'string' },
        wait: { type: 'boolean' },
        timeout: { type: 'string' },
        'auto-accept': { type: 'string' },
        'passphrase-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [cmd, ...rest] = positionals;
    if (values.help || cmd === undefined || cmd === 'help') {
      process.stdout.write(USAGE);
      return cmd === undefined && !values.help ? 2 : 0;
    }
    if (cmd === 'server') {
      const p = port(rest[0], DEFAULT_SERVER_PORT);
      const publicUrl = values['public-url'];
      // Loaded only for the commands that run a part: a scripting command then starts without the relay,
      // the proxy, SQLite and MLS (issue 9: `sealroom whoami`/`send` start-up).
      const { closeOnSignal, runServer } = await import('./run-parts.js');
      const relay = await runServer({
        port: p,
        host: values.host ?? '127.0.0.1',
        dataDir: values.data ?? '.sealroom/server',
        ...(publicUrl !== undefined ? { publicUrl } : {}),
        ...(values.limit !== undefined ? { limits: values.limit } : {}),
        ...(values['reserved-handles'] !== undefined ? { reservedHandles: values['reserved-handles'] } : {}),
        ...(values['client-ip-header'] !== undefined ? { clientIpHeader: values['client-ip-header'] } : {}),
      });
      console.log(`Sealroom server listening on ${relay.url}`);
      await closeOnSignal([relay], (s) => console.error(s));
      return 0;
    }
    if (cmd === 'proxy') {
      const p = port(rest[0], DEFAULT_PROXY_PORT);
      const serverUrl = rest[1] ?? `http://localhost:${DEFAULT_SERVER_PORT}`;
      const autoAccept = values['auto-accept'] ?? 'none';
      if (autoAccept !== 'none' && autoAccept !== 'verified')
        throw new SealroomError(CliErrorCode.Usage, `--auto-accept takes none or verified, not ${autoAccept}`);
      const { closeOnSignal, runProxy } = await import('./run-parts.js');
      const proxy = await runProxy({
        port: p,
        serverUrl,
        autoAccept,
        dataDir: values.data ?? `.sealroom/proxy-${p}`,
        ...(values.handle !== undefined ? { handle: values.handle } : {}),
        passphrase: { file: values['passphrase-file'], env: process.env['SEALROOM_PASSPHRASE'] },
      });
      console.log(`Sealroom proxy for ${proxy.client.handle ?? '(new user: open the URL to pick a handle)'}: ${proxy.url}`);
      await closeOnSignal([proxy], (s) => console.error(s));
      return 0;
    }
    if (cmd === 'demo') {
      const { runDemo } = await import('./demo.js');
      await runDemo(values.data ?? '.sealroom/demo');
      return 0;
    }
    if (SCRIPT_COMMANDS.has(cmd)) {
      // Same default as `sealroom proxy` with no arguments; an empty SEALROOM_PROXY counts as unset.
      const target = checkProxyTarget(values.proxy || process.env['SEALROOM_PROXY'] || `.sealroom/proxy-${DEFAULT_PROXY_PORT}`);
      const flags = { json: values.json ?? false, open: values.open ?? false, follow: values.follow ?? false, number: values.number, id: values.id, wait: values.wait ?? false, timeout: values.timeout };
      return await scriptCommand(target, cmd, rest, flags);
    }
    throw new SealroomError(CliErrorCode.Usage, `unknown command: ${cmd} (try sealroom --help)`);
  } catch (e) {
    const code = e instanceof SealroomError ? e.code : (e as { code?: string }).code;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`sealroom: ${code && !msg.includes(code) ? `${code}: ` : ''}${msg}\n`);
    return code === CliErrorCode.Usage || code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1;
  }
}
