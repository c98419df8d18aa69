import { formatContact, formatSafetyNumber, jsonLine } from './format.js';
import { need, usageError, type ScriptFlags, type ScriptRun } from './_script.js';

export const CONTACT_COMMANDS = new Set(['contacts', 'safety-number', 'verify', 'trust']);

/** The digits of `--number`, spaces allowed (as they are shown: 12 groups of 5); anything else is a usage error. */
export function safetyDigits(raw: string): string {
  const digits = raw.replace(/\s+/g, '');
  if (!/^[0-9]{60}$/.test(digits)) throw usageError('verify HANDLE [--number DIGITS]  (DIGITS: the 60-digit safety number, spaces allowed)');
  return digits;
}

/** contacts, safety-number, verify, trust: what this device knows of other people's identity keys. */
export function planContactCommand(cmd: string, args: string[], f: ScriptFlags): ScriptRun {
  switch (cmd) {
    case 'contacts': {
      need(args, 0, 'contacts [--json]');
      return async (api, out) => {
        const { contacts } = await api.call('contacts.list', {});
        if (f.json) out(jsonLine(contacts));
        else for (const c of contacts) out(formatContact(c));
        return 0;
      };
    }
    case 'safety-number': {
      const [handle] = need(args, 1, 'safety-number HANDLE [--json]');
      return async (api, out) => {
        const { safety } = await api.call('contacts.safety-number', { handle: handle as never });
        if (f.json) out(jsonLine(safety));
        else for (const line of formatSafetyNumber(safety)) out(line);
        return 0;
      };
    }
    case 'verify': {
      const [handle] = need(args, 1, 'verify HANDLE [--number DIGITS]');
      // Checked before connecting: a typo in the number is the user's to fix, not the proxy's to refuse.
      const digits = f.number === undefined ? undefined : safetyDigits(f.number);
      return async (api, out) => {
        const { contact } = await api.call('contacts.verify', { handle: handle as never, ...(digits !== undefined ? { digits } : {}) });
        out(formatContact(contact));
        return 0;
      };
    }
    case 'trust': {
      const [handle] = need(args, 1, 'trust HANDLE');
      return async (api, out) => {
        const { contact } = await api.call('contacts.trust', { handle: handle as never });
        out(formatContact(contact));
        return 0;
      };
    }
    default:
      throw usageError(`unknown command: ${cmd}`);
  }
}
