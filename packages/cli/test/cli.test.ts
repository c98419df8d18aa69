import { describe, expect, it, vi } from 'vitest';
import { escapeControls, formatMessage } from '../src/format.js';
import { parseProxyUrl } from '../src/local-api-client.js';
import { main } from '../src/main.js';

describe('cli helpers', () => {
  it('parses the URL a proxy prints', () => {
    expect(parseProxyUrl('http://127.0.0.1:3003/#token=abc')).toEqual({ origin: 'http://127.0.0.1:3003', token: 'abc' });
    expect(() => parseProxyUrl('http://127.0.0.1:3003/')).toThrow(/token/);
    expect(() => parseProxyUrl('nope')).toThrow(/not a URL/);
  });

  it('escapes terminal control characters and bidi overrides in message text', () => {
    expect(escapeControls('hi\u001b[2Jthere\u202e')).toBe('hi\\u001b[2Jthere\\u202e');
    const line = formatMessage({ id: 'x', roomId: 'r', sender: 'bob', text: 'a\u0007b', time: 0, seq: 1, state: 'received', own: false });
    expect(line).toContain('<bob> a\\u0007b');
    expect(line).not.toContain('\u0007');
  });
});

describe('cli errors', () => {
  async function run(args: string[], env: Record<string, string | undefined> = {}) {
    const err: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    try {
      return { code: await main(args), err: err.join('') };
    } finally {
      process.env = saved;
      spy.mockRestore();
      out.mockRestore();
    }
  }

  it('names the problem in one line and exits non-zero', async () => {
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command') });
    expect(await run(['send', 'r', 't'], { SEALROOM_PROXY: undefined })).toMatchObject({ code: 2, err: expect.stringContaining('--proxy') });
    const unreachable = await run(['whoami', '--proxy', 'http://127.0.0.1:9/#token=x']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toMatch(/^sealroom: ERR_CLI_PROXY_UNREACHABLE: .*\n$/);
    expect(await run(['server', '99999'])).toMatchObject({ code: 2, err: expect.stringContaining('not a port') });
  });
});
