import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ProxyErrorCode, missingCaseError } from '@sealroom/protocol';
import type { BrowserSessions } from './browser-sessions.js';
import type { LoginCodes } from './login-codes.js';
import { SECURITY_HEADERS } from './static-files.js';

/** Where the login page posts its code (the only POST the proxy answers). */
export const LOGIN_PATH = '/api/session';
const MAX_BODY_BYTES = 1024;

const exchangeRequest = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'code: the one in the login link') }).strict();

/**
 * Exchange a one-time login code for a session cookie. Host and Origin were checked by the caller like
 * for every request; on top, the body must be `application/json` — a cross-site page can only send that
 * after a CORS preflight, which the proxy refuses (it grants no CORS header at all) — and Fetch Metadata,
 * when the browser sends it, must say same-origin.
 */
export function handleLogin(req: IncomingMessage, res: ServerResponse, codes: LoginCodes, sessions: BrowserSessions): void {
  if (req.method !== 'POST') return answer(res, 405, { ok: false, code: ProxyErrorCode.BadRequest, message: 'POST only' });
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return answer(res, 403, { ok: false, code: ProxyErrorCode.BadOrigin, message: 'cross-site request' });
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return answer(res, 415, { ok: false, code: ProxyErrorCode.BadRequest, message: 'application/json only' });

  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  req.on('data', (c: Buffer) => {
    if (done) return;
    size += c.length;
    if (size > MAX_BODY_BYTES) {
      done = true;
      answer(res, 413, { ok: false, code: ProxyErrorCode.BadRequest, message: 'body too large' });
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (done) return;
    done = true;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return answer(res, 400, { ok: false, code: ProxyErrorCode.BadRequest, message: 'not JSON' });
    }
    const parsed = exchangeRequest.safeParse(json);
    if (!parsed.success) return answer(res, 400, { ok: false, code: ProxyErrorCode.BadLoginCode, message: 'malformed login code' });
    const result = codes.redeem(parsed.data.code);
    switch (result) {
      case 'ok': {
        // The page keeps `pageKey` in localStorage (per origin, port included) and sends it with the cookie.
        const { setCookie, pageKey } = sessions.issue();
        return answer(res, 200, { ok: true, pageKey }, setCookie);
      }
      case 'used':
        return answer(res, 403, { ok: false, code: ProxyErrorCode.LoginCodeUsed, message: 'this login link was already used: run `sealroom open` for a new one' });
      case 'expired':
        return answer(res, 403, { ok: false, code: ProxyErrorCode.LoginCodeExpired, message: 'this login link has expired: run `sealroom open` for a new one' });
      case 'unknown':
        return answer(res, 403, { ok: false, code: ProxyErrorCode.BadLoginCode, message: 'this proxy did not issue that login link (or has restarted since): run `sealroom open`' });
      default:
        throw missingCaseError(result);
    }
  });
}

function answer(res: ServerResponse, status: number, body: object, cookie?: string): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...(cookie !== undefined ? { 'Set-Cookie': cookie } : {}),
  });
  res.end(JSON.stringify(body));
}
