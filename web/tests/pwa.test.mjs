// The installable app: the manifest and its icons, the service worker that shows a
// pushed reminder with Complete and Snooze (delivered through Chrome's DevTools
// protocol, as a push service would), the shell that opens offline, and the settings
// where reminders' channels are chosen.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  Api,
  closeApiAndBrowser,
  newPage,
  openSignedIn,
  seriousViolations,
  shot,
  startApiAndBrowser,
  uniqueEmail,
  webDir,
} from './harness.mjs';

let api;
let browser;
before(async () => ({ api, browser } = await startApiAndBrowser()));
after(() => closeApiAndBrowser(api, browser));

/** The page's service worker registration id, as the DevTools protocol names it. */
async function registrationId(cdp, scope) {
  const found = new Promise((done) => cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    const match = registrations.find((r) => r.scopeURL === scope && !r.isDeleted);
    if (match) done(match.registrationId);
  }));
  await cdp.send('ServiceWorker.enable');
  return found;
}

test('the app installs, and its worker shows a pushed reminder with Complete and Snooze', async () => {
  const token = await api.register(uniqueEmail('pwa'));
  const page = await newPage(browser);
  await page.context().grantPermissions(['notifications'], { origin: api.base });
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();

  const manifest = await page.evaluate(async () => {
    const link = document.querySelector('link[rel=manifest]');
    const body = await (await fetch(link.href)).json();
    const icons = await Promise.all(body.icons.map(async (icon) => {
      const response = await fetch(icon.src);
      return { sizes: icon.sizes, ok: response.ok, type: response.headers.get('content-type') };
    }));
    return { ...body, icons };
  });
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, '/');
  assert.ok(manifest.theme_color && manifest.background_color);
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((i) => i.sizes === size);
    assert.ok(icon?.ok && icon.type === 'image/png', `a ${size} PNG icon: ${JSON.stringify(icon)}`);
  }

  const worker = await page.evaluate(async () => (await navigator.serviceWorker.ready).active.scriptURL);
  assert.equal(worker, `${api.base}/sw.js`);
  const cdp = await page.context().newCDPSession(page);
  const id = await registrationId(cdp, `${api.base}/`);
  const message = {
    title: 'Water the plants',
    body: 'Due Tue 8 Dec 2026, 09:00 (Europe/Berlin)',
    tag: 'reminder:t1:1796720400',
    taskId: 't1',
    url: '/tasks/t1',
    completeUrl: `${api.base}/actions/complete-token`,
    snoozeUrl: `${api.base}/actions/snooze-token`,
  };
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: api.base, registrationId: id, data: JSON.stringify(message) });
  const shown = async () => page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({
      title: n.title, body: n.body, tag: n.tag, actions: n.actions.map((a) => a.title), data: n.data,
    }));
  });
  let notifications = [];
  // A worker's first push can take a while on a machine whose browser has just been
  // installed (a cold run of the whole suite once needed more than 5 s).
  for (let i = 0; i < 200 && notifications.length === 0; i++) {
    notifications = await shown();
    if (notifications.length === 0) await page.waitForTimeout(100);
  }
  assert.equal(notifications.length, 1, JSON.stringify(notifications));
  const [note] = notifications;
  assert.equal(note.title, 'Water the plants');
  assert.equal(note.body, message.body);
  assert.deepEqual(note.actions, ['Complete', 'Snooze 1 hour']);
  assert.equal(note.data.completeUrl, message.completeUrl);

  // The same reminder delivered again (a retry) replaces it: one notification per tag.
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: api.base, registrationId: id, data: JSON.stringify(message) });
  await page.waitForTimeout(300);
  assert.equal((await shown()).length, 1);
  await page.context().close();
});

test('offline, the app opens from its cache with the last tasks it saw', async () => {
  const token = await api.register(uniqueEmail('offline'));
  await api.createTask(token, { title: 'Pack the tent' });
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByText('Pack the tent').waitFor();
  await page.evaluate(async () => navigator.serviceWorker.ready);
  // Controlled from the next load on.
  await page.reload();
  await page.getByText('Pack the tent').waitFor();
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null));

  await page.context().setOffline(true);
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
  await page.getByText('Pack the tent').waitFor();
  await shot(page, 'offline');
  await page.context().setOffline(false);
  await page.context().close();
});

test('settings choose where reminders reach you, and list the devices', async () => {
  const token = await api.register(uniqueEmail('channels'));
  // A phone registered elsewhere, as its browser would after "Turn on push".
  await api.gql(token, `mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { id } }`, {
    input: {
      endpoint: 'https://push.example.net/send/phone',
      p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url'),
      auth: Buffer.alloc(16, 9).toString('base64url'),
      deviceName: 'Firefox on Android',
    },
  });
  const page = await newPage(browser);
  await openSignedIn(page, api, token, '/settings');
  const card = page.getByRole('region', { name: 'Where reminders reach you' });
  await card.waitFor();
  await card.getByRole('button', { name: 'Turn on push for this device' }).waitFor();
  const devices = card.getByRole('list', { name: 'Devices' });
  await devices.getByText('Firefox on Android').waitFor();
  // No SMTP server is configured here: email is offered but unavailable, and it says why.
  assert.equal(await card.getByLabel('Email me reminders').isDisabled(), true);
  await card.getByText('Email is not set up on this server').waitFor();
  await shot(page, 'settings-channels');
  assert.deepEqual(await seriousViolations(page), []);

  await card.getByLabel('Send reminders to my devices').check();
  let pushOn = false;
  for (let i = 0; i < 50 && !pushOn; i++) {
    pushOn = (await api.gql(token, '{ preferences { pushReminders } }')).preferences.pushReminders;
    if (!pushOn) await page.waitForTimeout(100);
  }
  assert.equal(pushOn, true, 'the checkbox saves at once');

  await devices.getByRole('button', { name: 'Remove “Firefox on Android”' }).click();
  await page.getByText('Device removed').waitFor();
  await devices.waitFor({ state: 'detached' });
  await page.context().close();
});

test('a new bundle installs a new worker that takes over when the person reloads', async () => {
  // A copy of the bundle that the test can "deploy" a new version into.
  const dist = mkdtempSync(join(tmpdir(), 'todo-dist-'));
  cpSync(webDir, dist, { recursive: true });
  const own = await Api.start({ env: { TODO_WEB_DIR: dist } });
  try {
    const token = await own.register(uniqueEmail('update'));
    const page = await newPage(browser);
    await openSignedIn(page, own, token);
    await page.getByText('Nothing to do').waitFor();
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await page.reload();
    await page.getByText('Nothing to do').waitFor();
    const shells = () => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('todo-shell-')));
    const [old] = await shells();

    // Deploy: a worker whose version differs (its precompressed copies would win).
    const worker = join(dist, 'sw.js');
    writeFileSync(worker, readFileSync(worker, 'utf8').replace(/const VERSION = "([^"]+)";/, 'const VERSION = "$1-next";'));
    rmSync(`${worker}.br`);
    rmSync(`${worker}.gz`);
    const bar = page.getByRole('status').filter({ hasText: 'A new version of Todo is ready.' });
    // The browser may still be busy with the first worker when asked to look for a new
    // one; it is asked again until the new worker is waiting.
    for (let i = 0; i < 30 && !(await bar.isVisible()); i++) {
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
      await bar.waitFor({ timeout: 2000 }).catch(() => {});
    }
    await bar.waitFor();
    await shot(page, 'update-ready');
    await Promise.all([page.waitForEvent('load'), bar.getByRole('button', { name: 'Reload' }).click()]);
    await page.getByText('Nothing to do').waitFor();
    await bar.waitFor({ state: 'detached' });
    assert.deepEqual(await shells(), [`${old}-next`], 'the new shell replaced the old one');
    await page.context().close();
  } finally {
    await own.close();
    rmSync(dist, { recursive: true, force: true });
  }
});
