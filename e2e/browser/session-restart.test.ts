import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort, loginLinks, spawnSealroom, type Spawned } from '../processes.js';
import { chromiumAvailable, launchChromium } from './chromium.js';

const run = chromiumAvailable();

/**
 * Issue 8: the browser logs in once through a one-time link, keeps no code in its address bar or history,
 * and an open tab survives a proxy restart (same port, same data directory) without a new link.
 */
describe.runIf(run)('browser sessions: one-time login link, and a proxy restart (real Chromium)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealroom-session-'));
  const procs: Spawned[] = [];
  let browser: Browser;
  let serverUrl = '';
  let port = 0;
  let proxy: Spawned;
  let link: () => Promise<string>;
  const aliceDir = join(dir, 'alice');
  const startProxy = () =>
    spawnSealroom(['proxy', String(port), serverUrl, '--data', aliceDir, '--handle', 'alice'], /Sealroom proxy for alice: (\S+)/);

  beforeAll(async () => {
    const sp = await freePort();
    procs.push(await spawnSealroom(['server', String(sp), '--data', join(dir, 'server')], /listening on (\S+)/));
    serverUrl = `http://127.0.0.1:${sp}`;
    port = await freePort();
    proxy = await startProxy();
    link = loginLinks(proxy.line[1]!, aliceDir);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.stop();
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function watched(): Promise<Page & { errors: string[] }> {
    const page = (await browser.newPage()) as Page & { errors: string[] };
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    return page;
  }

  it('logs in through the link, keeps no code in the address bar or history, and reconnects by itself after a proxy restart', async () => {
    const printed = await link();
    expect(printed).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/login#code=[A-Za-z0-9_-]{22}$`));
    const code = new URL(printed).hash.slice('#code='.length);
    const page = await watched();
    await page.goto(printed);
    await page.getByTestId('self-handle').waitFor();
    expect(page.url()).toBe(`http://127.0.0.1:${port}/`);
    expect(await page.evaluate<string>('window.location.href')).not.toContain(code);
    // The session cookie is HttpOnly: no script on the page can read it.
    expect(await page.evaluate<string>('document.cookie')).toBe('');
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: `sealroom_session_${port}`, httpOnly: true, sameSite: 'Strict', path: '/' })]);
    // The session's page key sits in this origin's localStorage, out of reach of pages on other ports.
    expect(await page.evaluate<string | null>("window.localStorage.getItem('sealroom.page-key')")).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The cookie alone — what a server on any other 127.0.0.1 port would receive from this browser — opens nothing.
    const borrowed = await browser.newContext();
    try {
      await borrowed.addCookies(cookies);
      const b = await borrowed.newPage();
      await b.goto(`http://127.0.0.1:${port}/`);
      await b.getByTestId('unauthorised').waitFor();
      expect(await b.getByTestId('unauthorised').textContent()).toContain('ERR_PROXY_BAD_SESSION');
    } finally {
      await borrowed.close();
    }

    // The used link in another browser (a fresh context, as if copied from history): refused, and told why.
    const thief = await watched();
    await thief.goto(printed);
    await thief.getByTestId('unauthorised').waitFor();
    expect(await thief.getByTestId('login-failure').textContent()).toContain('ERR_PROXY_LOGIN_CODE_USED');
    expect(thief.url()).toBe(`http://127.0.0.1:${port}/`);
    await thief.close();

    await page.getByTestId('new-room-name').fill('Survives restarts');
    await page.getByTestId('new-room-submit').click();
    await page.getByTestId('room-title').filter({ hasText: 'Survives restarts' }).waitFor();
    const status = page.getByTestId('connection-status');
    await status.and(page.locator('[data-status="connected"]')).waitFor();

    // Restart the proxy process on the same port and data directory.
    expect(await proxy.stop()).toBe(0);
    await status.and(page.locator('[data-status="proxy-lost"]')).waitFor({ timeout: 15_000 });
    proxy = await startProxy();
    await status.and(page.locator('[data-status="connected"]')).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('unauthorised').count()).toBe(0);
    expect(page.url()).toBe(`http://127.0.0.1:${port}/`); // no new link was opened

    // And it works: a message sent from the reconnected tab is accepted.
    await page.getByTestId('room-item').filter({ hasText: 'Survives restarts' }).click();
    await page.getByTestId('composer').fill('after the restart');
    await page.getByTestId('composer').press('Enter');
    await page.locator('[data-testid="message"][data-sender="alice"] [data-testid="message-text"]', { hasText: 'after the restart' }).waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="message"][data-state="sent"]', { hasText: 'after the restart' }).waitFor({ timeout: 15_000 });
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('a bookmarked http://127.0.0.1:PORT/ works in the logged-in browser; a fresh browser without a session is told to run `sealroom open`', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(await link());
      await page.getByTestId('self-handle').waitFor();
      const bookmarked = await context.newPage();
      await bookmarked.goto(`http://127.0.0.1:${port}/`);
      await bookmarked.getByTestId('self-handle').waitFor();
    } finally {
      await context.close();
    }
    const stranger = await watched();
    await stranger.goto(`http://127.0.0.1:${port}/`);
    await stranger.getByTestId('unauthorised').waitFor();
    expect(await stranger.getByTestId('unauthorised').textContent()).toContain('sealroom open');
    await stranger.close();
  });
});
