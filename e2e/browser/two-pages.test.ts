import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort, loginLinks, spawnSealroom, type Spawned } from '../processes.js';
import { chromiumAvailable, launchChromium } from './chromium.js';

const run = chromiumAvailable();

describe.runIf(run)('two browsers, two proxies, one relay (real Chromium)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealroom-browser-'));
  const procs: Spawned[] = [];
  let browser: Browser;
  // Each login link works once: the printed one first, then `sealroom open`.
  let aliceUrl: () => Promise<string>;
  let bobUrl: () => Promise<string>;
  let carolUrl: () => Promise<string>;

  beforeAll(async () => {
    const sp = await freePort();
    procs.push(await spawnSealroom(['server', String(sp), '--data', join(dir, 'server')], /listening on (\S+)/));
    const serverUrl = `http://127.0.0.1:${sp}`;
    const [ap, bp] = [await freePort(), await freePort()];
    const a = await spawnSealroom(['proxy', String(ap), serverUrl, '--data', join(dir, 'alice'), '--handle', 'alice'], /Sealroom proxy for alice: (\S+)/);
    const b = await spawnSealroom(['proxy', String(bp), serverUrl, '--data', join(dir, 'bob'), '--handle', 'bob'], /Sealroom proxy for bob: (\S+)/);
    // carol's proxy starts without a handle: the web UI onboards her.
    const c = await spawnSealroom(['proxy', String(await freePort()), serverUrl, '--data', join(dir, 'carol')], /Sealroom proxy for .*: (\S+)/);
    procs.push(a, b, c);
    aliceUrl = loginLinks(a.line[1]!, join(dir, 'alice'));
    bobUrl = loginLinks(b.line[1]!, join(dir, 'bob'));
    carolUrl = loginLinks(c.line[1]!, join(dir, 'carol'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(link: () => Promise<string>, ready = 'self-handle'): Promise<Page> {
    const url = await link();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    await page.getByTestId(ready).waitFor();
    (page as Page & { errors?: string[] }).errors = errors;
    return page;
  }

  it('a message typed in one page appears in the other; markup stays text', async () => {
    const alice = await open(aliceUrl);
    const bob = await open(bobUrl);
    expect(await alice.getByTestId('self-handle').textContent()).toContain('alice');
    // The login code left the address bar (it must not linger in history or be copied by accident).
    expect(alice.url()).not.toContain('code=');

    await alice.getByTestId('new-room-name').fill('Plans <img src=x onerror=alert(1)>');
    await alice.getByTestId('new-room-submit').click();
    await alice.getByTestId('room-title').filter({ hasText: 'Plans' }).waitFor();
    await alice.getByTestId('invite-handle').fill('bob');
    await alice.getByTestId('invite-submit').click();

    // An invitation is not a join: bob sees it waiting, accepts, and the room opens.
    const invitation = bob.getByTestId('invitation').filter({ hasText: 'Plans' });
    await invitation.waitFor({ timeout: 15_000 });
    expect(await bob.getByTestId('room-item').count()).toBe(0);
    await invitation.getByTestId('invitation-accept').click();
    await bob.getByTestId('room-title').filter({ hasText: 'Plans' }).waitFor({ timeout: 15_000 });
    await invitation.waitFor({ state: 'detached' });
    await alice.locator('[data-testid="member"][data-handle="bob"]').waitFor();

    const t0 = Date.now();
    await alice.getByTestId('composer').fill('Hello <b>bob</b> 👋');
    await alice.getByTestId('composer').press('Enter');
    const onBob = bob.locator('[data-testid="message"][data-sender="alice"] [data-testid="message-text"]');
    await onBob.waitFor({ timeout: 5000 });
    const latency = Date.now() - t0;
    expect(await onBob.textContent()).toBe('Hello <b>bob</b> 👋');
    expect(await bob.locator('[data-testid="message-text"] b').count()).toBe(0); // rendered as text, not markup
    await alice.locator('[data-testid="message"][data-own="true"][data-state="sent"]').waitFor();

    await bob.getByTestId('composer').fill('Hi alice');
    await bob.getByTestId('composer').press('Enter');
    await alice.locator('[data-testid="message"][data-sender="bob"] [data-testid="message-text"]', { hasText: 'Hi alice' }).waitFor();

    // The room name with markup is shown as text on bob's side too (it reached him end-to-end encrypted).
    await bob.getByTestId('room-title').filter({ hasText: 'onerror' }).waitFor();
    expect(await bob.locator('img').count()).toBe(0);
    console.log(`browser e2e: alice → bob delivery ${latency} ms`);
    for (const p of [alice, bob]) expect((p as Page & { errors?: string[] }).errors).toEqual([]);
  });

  it('a newcomer onboards in the UI and joins an open room by its id', async () => {
    const alice = await open(aliceUrl);
    await alice.getByTestId('new-room-name').fill('Town square');
    await alice.getByTestId('new-room-open').check();
    await alice.getByTestId('new-room-submit').click();
    await alice.getByTestId('room-title').filter({ hasText: 'Town square' }).waitFor();
    const roomId = await alice.getByTestId('room-view').getAttribute('data-room-id');
    expect(roomId).toMatch(/^[0-9a-f]{32}$/);

    const carol = await open(carolUrl, 'onboard-handle');
    await carol.getByTestId('onboard-handle').fill('Carol!'); // invalid: refused client-side
    await carol.getByTestId('onboard-submit').click();
    expect(await carol.getByTestId('self-handle').count()).toBe(0);
    await carol.getByTestId('onboard-handle').fill('carol');
    await carol.getByTestId('onboard-submit').click();
    await carol.getByTestId('self-handle').filter({ hasText: 'carol' }).waitFor();

    await carol.getByTestId('join-room-id').fill(roomId!);
    await carol.getByTestId('join-room-submit').click();
    // The name reaches her inside the group (a member answers her meta.request), never via the relay.
    await carol.getByTestId('room-title').filter({ hasText: 'Town square' }).waitFor({ timeout: 15_000 });
    await carol.getByTestId('composer').fill('carol here');
    await carol.getByTestId('composer').press('Enter');
    await alice.locator('[data-testid="message"][data-sender="carol"] [data-testid="message-text"]', { hasText: 'carol here' }).waitFor();
    await alice.locator('[data-testid="member"][data-handle="carol"]').waitFor();
    for (const p of [alice, carol]) expect((p as Page & { errors?: string[] }).errors).toEqual([]);
  });
});
