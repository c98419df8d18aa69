import { CliErrorCode, SealroomError } from '@sealroom/protocol';
import type { LocalApiClient } from './local-api-client.js';

/** The options main() parsed that scripting commands read. */
export type ScriptFlags = { json: boolean; open: boolean; follow: boolean; number: string | undefined; id?: string | undefined; wait?: boolean; timeout?: string | undefined };

/** A scripting command whose arguments were already checked: it only talks to the proxy and prints. */
export type ScriptRun = (api: LocalApiClient, out: (line: string) => void) => Promise<number>;

/** Exactly `n` positional arguments, else a usage error (exit 2) naming the command's usage. */
export function need(args: string[], n: number, usage: string): string[] {
  if (args.length !== n) throw usageError(usage);
  return args;
}

export function usageError(usage: string): SealroomError {
  return new SealroomError(CliErrorCode.Usage, `usage: sealroom ${usage}`);
}

/** For --follow: resolves on Ctrl-C, SIGTERM, or when the proxy goes away. */
export function untilStopped(api: LocalApiClient): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    api.socket.once('disconnect', done);
  });
}
