import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startRelay } from '@sealroom/server';
import { tempDir } from '../harness.js';
import { freePort, loginLinks, spawnSealroom, type Spawned } from '../processes.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { impostorStore } from '../lying-store.js';

const run = chromiumAvailable();

/**
 * The real relay over a store that can be told to lie about one handle's account: once `impostor` names a
 * handle, a login for it with any other key is accepted and the relay answers that key for the handle from
 * then on (what a compromised relay could do). The only way to make a known contact's key change, since an
 * honest relay binds a handle to its first key.
 */
const lyingStore = impostorStore;

type Watched = Page & { errors: string[] };

describe.runIf(run)('invitations, safety numbers and key changes in the web UI (real Chromium)', () => {
  const tmp = tempDir('browser-verify');
  mkdirSync(join(tmp.dir, 'server'), { recursive: true });
  const { store, knobs, inner } = lyingStore(join(tmp.dir, 'server', 'relay.db'));
  let relay: Awaited<ReturnType<typeof startRelay>>;
  const procs: Spawned[] = [];
  let browser: Browser;
  // Each login link works once: the printed one first, then `sealroom open`.
  let aliceUrl: () => Promise<string>;
  let bobUrl: () => Promise<string>;

  async function proxy(handle: string, dir: string): Promise<Spawned> {
    const p = await spawnSealroom(
      ['proxy', String(await freePort()), relay.url, '--data', join(tmp.dir, dir), '--handle', handle],
      new RegExp(`Sealroom proxy for ${handle}: (\\S+)`),
    );
    procs.push(p);
    return p;
  }

  beforeAll(async () => {
    relay = await startRelay({ port: 0, store });
    aliceUrl = loginLinks((await proxy('alice', 'alice')).line[1]!, join(tmp.dir, 'alice'));
    bobUrl = loginLinks((await proxy('bob', 'bob')).line[1]!, join(tmp.dir, 'bob'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(procs.map((p) => p.stop()));
    await relay?.close();
    inner.close();
    tmp.cleanup();
  });

  async function open(link: string | (() => Promise<string>)): Promise<Watched> {
    const url = typeof link === 'string' ? link : await link();
    const page = (await browser.newPage()) as Watched;
    page.errors = [];
    // CSP violations (an inline style, a data: image) are reported as console errors.
    page.on('pageerror', (e) => page.errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') page.errors.push(m.text());
    });
    await page.goto(url);
    await page.getByTestId('self-handle').waitFor();
    return page;
  }

  async function createRoom(page: Page, name: string, openRoom = false): Promise<string> {
    await page.getByTestId('new-room-name').fill(name);
    if (openRoom) await page.getByTestId('new-room-open').check();
    await page.getByTestId('new-room-submit').click();
    await page.getByTestId('room-title').filter({ hasText: name }).waitFor();
    const id = await page.getByTestId('room-view').getAttribute('data-room-id');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    return id!;
  }

  async function invite(page: Page, handle: string): Promise<void> {
    await page.getByTestId('invite-handle').fill(handle);
    await page.getByTestId('invite-submit').click();
    // The form clears itself once the proxy acknowledged the invitation (an error would keep the handle).
    await expect.poll(() => page.getByTestId('invite-handle').inputValue(), { timeout: 15_000 }).toBe('');
    expect(await page.getByTestId('error').count()).toBe(0);
  }

  /** The 12 groups shown on the open verification screen, after checking their shape. */
  async function safetyGroups(page: Page, handle: string): Promise<string[]> {
    const view = page.locator(`[data-testid="verification-view"][data-handle="${handle}"]`);
    await view.getByTestId('safety-group').first().waitFor();
    const groups = await view.getByTestId('safety-group').allTextContents();
    expect(groups).toHaveLength(12);
    for (const g of groups) expect(g).toMatch(/^[0-9]{5}$/);
    return groups;
  }

  async function expectQr(page: Page): Promise<void> {
    const qr = page.getByTestId('safety-qr');
    await qr.waitFor();
    expect(await qr.evaluate((el) => el.tagName.toLowerCase())).toBe('svg');
    const d = await qr.locator('path').getAttribute('d');
    expect(d?.length ?? 0).toBeGreaterThan(100);
    expect(await page.locator('img[src^="data:"]').count()).toBe(0);
  }

  it('bob accepts an invitation, both compare the same safety number, alice marks bob verified', async () => {
    const alice = await open(aliceUrl);
    const bob = await open(bobUrl);

    // A first invitation that bob declines: it goes away and never becomes a room.
    const declinedId = await createRoom(alice, 'Not for bob');
    await invite(alice, 'bob');
    const declined = bob.locator(`[data-testid="invitation"][data-room-id="${declinedId}"]`);
    await declined.waitFor({ timeout: 15_000 });
    await declined.getByTestId('invitation-decline').click();
    await declined.waitFor({ state: 'detached' });
    // Declining is said to the members (bob's self-remove proposal, committed by alice): alice is alone again.
    await alice.locator(`[data-testid="room-item"][data-room-id="${declinedId}"]`, { hasText: '1 member' }).waitFor({ timeout: 15_000 });

    const roomId = await createRoom(alice, 'Verify me');
    await invite(alice, 'bob');
    const invitation = bob.locator(`[data-testid="invitation"][data-room-id="${roomId}"]`);
    await invitation.waitFor({ timeout: 15_000 });
    expect(await invitation.getByTestId('invitation-name').textContent()).toBe('Verify me');
    expect(await invitation.getByTestId('invitation-inviter').textContent()).toBe('alice');
    await invitation.locator('[data-testid="invitation-member"][data-handle="alice"]').waitFor();
    // Nothing is joined before bob accepts.
    expect(await bob.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).count()).toBe(0);

    await invitation.getByTestId('invitation-accept').click();
    await bob.locator(`[data-testid="room-view"][data-room-id="${roomId}"]`).waitFor({ timeout: 15_000 });
    await bob.getByTestId('room-title').filter({ hasText: 'Verify me' }).waitFor();
    await invitation.waitFor({ state: 'detached' });
    // The declined room was never joined (checked after the accepted one arrived, so its push had its chance).
    expect(await bob.locator(`[data-testid="room-item"][data-room-id="${declinedId}"]`).count()).toBe(0);
    await alice.locator('[data-testid="member"][data-handle="bob"]').waitFor();

    // Both open the verification screen from the member list.
    await bob.locator('[data-testid="member"][data-handle="alice"] [data-testid="member-verify"]').click();
    await alice.locator('[data-testid="member"][data-handle="bob"] [data-testid="member-verify"]').click();
    const onBob = await safetyGroups(bob, 'alice');
    const onAlice = await safetyGroups(alice, 'bob');
    expect(onAlice).toEqual(onBob);
    await expectQr(alice);
    await expectQr(bob);
    expect(await alice.getByTestId('verification-view').getAttribute('data-state')).toBe('new');

    await alice.getByTestId('verify-submit').click();
    await alice.locator('[data-testid="verification-view"][data-state="verified"] [data-testid="badge-verified"][data-handle="bob"]').waitFor();

    // The badge follows bob's name: in the member list and on his messages.
    await alice.getByTestId('verification-close').click();
    await alice.locator('[data-testid="member"][data-handle="bob"] [data-testid="badge-verified"]').waitFor();
    await bob.getByTestId('verification-close').click();
    await bob.getByTestId('composer').fill('it is really me');
    await bob.getByTestId('composer').press('Enter');
    await alice
      .locator('[data-testid="message"][data-sender="bob"]', { hasText: 'it is really me' })
      .locator('[data-testid="badge-verified"]')
      .waitFor();
    // Verification is one-sided: bob has not verified alice.
    expect(await bob.locator('[data-testid="member"][data-handle="alice"]').getAttribute('data-state')).toBe('new');

    // The proxy keeps the declined room as `left`; the UI still does not list it after a reload.
    await bob.reload();
    await bob.locator(`[data-testid="room-item"][data-room-id="${roomId}"]`).waitFor();
    expect(await bob.locator(`[data-testid="room-item"][data-room-id="${declinedId}"]`).count()).toBe(0);

    for (const p of [alice, bob]) expect(p.errors).toEqual([]);
    await alice.close();
    await bob.close();
  });

  it('a changed key for verified bob is held: warning, blocked composer, accepted from the verification screen', async () => {
    const alice = await open(aliceUrl);
    const roomId = await createRoom(alice, 'Town square', true);

    // The relay lies: a fresh device with a new key logs in as bob and joins alice's open room.
    knobs.impostor = 'bob';
    const impostorUrl = (await proxy('bob', 'impostor')).line[1]!;
    const impostor = await open(impostorUrl);
    await impostor.getByTestId('join-room-id').fill(roomId);
    await impostor.getByTestId('join-room-submit').click();

    // alice: a key-changed warning at the top of the room, naming bob.
    const room = alice.locator(`[data-testid="room-view"][data-room-id="${roomId}"]`);
    const warning = room.locator('[data-testid="room-security-banner"] [data-testid="security-event"][data-kind="key-changed"]');
    await warning.waitFor({ timeout: 20_000 });
    expect(await warning.textContent()).toContain('bob');
    await alice.locator(`[data-testid="room-item"][data-room-id="${roomId}"][data-status="held"]`).waitFor();
    // Sending there is blocked with a sentence naming bob.
    const blocked = room.getByTestId('send-blocked');
    await blocked.waitFor({ timeout: 15_000 });
    expect(await blocked.textContent()).toContain('bob');
    expect(await room.getByTestId('composer').isDisabled()).toBe(true);

    // From the warning to the verification screen: a blocking warning naming bob; no longer verified.
    await blocked.locator('[data-testid="send-blocked-verify"][data-handle="bob"]').click();
    const view = alice.locator('[data-testid="verification-view"][data-handle="bob"]');
    await alice.locator('[data-testid="verification-view"][data-handle="bob"][data-state="changed"]').waitFor();
    const keyWarning = view.getByTestId('key-changed-warning');
    await keyWarning.waitFor();
    expect(await keyWarning.textContent()).toContain('bob');
    expect(await view.getByTestId('badge-verified').count()).toBe(0);

    await view.getByTestId('trust-submit').click();
    await alice.locator('[data-testid="verification-view"][data-handle="bob"][data-state="new"]').waitFor({ timeout: 15_000 });
    await keyWarning.waitFor({ state: 'detached' });
    await safetyGroups(alice, 'bob');

    // Back in the room: the block is lifted and alice can send again.
    await alice.getByTestId('verification-close').click();
    await room.getByTestId('send-blocked').waitFor({ state: 'detached', timeout: 15_000 });
    await room.getByTestId('composer').fill('welcome back, new bob');
    await room.getByTestId('composer').press('Enter');
    await room.locator('[data-testid="message"][data-own="true"][data-state="sent"]', { hasText: 'welcome back' }).waitFor({ timeout: 15_000 });

    // The warning stays in the Events view after it is dismissed from the banner.
    await warning.getByTestId('event-dismiss').click();
    await warning.waitFor({ state: 'detached' });
    await alice.getByTestId('events-open').click();
    await alice.locator('[data-testid="events-view"] [data-testid="security-event"][data-kind="key-changed"].event--dismissed').first().waitFor();

    expect(alice.errors).toEqual([]);
  });
});
