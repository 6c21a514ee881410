// Notifications: a reminder toast that leaves after 5 s (unless hovered), the bell,
// and the notification center.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  closeApiAndBrowser,
  newPage,
  openSignedIn,
  startApiAndBrowser,
  uniqueEmail,
  waitForLive,
} from './harness.mjs';

let api;
let browser;
before(async () => ({ api, browser } = await startApiAndBrowser()));
after(() => closeApiAndBrowser(api, browser));

/** Stops the page's clock (a moment ahead, since it cannot go back): from here on, only
 * `runFor` moves its timers. */
async function pauseClock(page) {
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1_000));
}

test('a reminder toast is announced and leaves after 5 s', async () => {
  const token = await api.register(uniqueEmail('toast'));
  const page = await newPage(browser);
  // The page's timers run on a clock the test moves, so "after 5 s" is checked exactly
  // instead of against the wall clock of a busy machine.
  await page.clock.install();
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();
  await waitForLive(page);
  await pauseClock(page);

  await api.createTask(token, { title: 'Stand-up', dueAt: new Date(Date.now() + 1_000).toISOString(), remindBeforeMinutes: 0 });
  const toast = page.locator('.toast', { hasText: 'Task due soon: Stand-up' });
  await toast.waitFor();
  assert.equal(await toast.evaluate((el) => el.closest('[role=status]')?.getAttribute('aria-live')), 'polite');
  await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
  await page.clock.runFor(4_900);
  assert.equal(await toast.count(), 1, 'the toast is still there just before 5 s');
  await page.clock.runFor(200);
  await toast.waitFor({ state: 'detached' });
  await page.context().close();
});

test('a hovered toast stays; with toasts off only the bell counts', async () => {
  const token = await api.register(uniqueEmail('hover'));
  const page = await newPage(browser);
  await page.clock.install();
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();
  await waitForLive(page);
  await pauseClock(page);
  await api.createTask(token, { title: 'Hover me', dueAt: new Date(Date.now() + 1_000).toISOString(), remindBeforeMinutes: 0 });
  const toast = page.locator('.toast', { hasText: 'Hover me' });
  await toast.waitFor();
  await toast.hover();
  await page.clock.runFor(10_000);
  assert.equal(await toast.count(), 1, 'still there while hovered');
  await page.mouse.move(0, 0);
  await page.clock.runFor(5_100);
  await toast.waitFor({ state: 'detached' });
  await page.clock.resume();

  await api.gql(token, 'mutation { updatePreferences(input: { toastNotifications: false }) { toastNotifications } }');
  await page.reload();
  await waitForLive(page);
  await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
  await api.createTask(token, { title: 'Quietly', dueAt: new Date(Date.now() + 1_000).toISOString(), remindBeforeMinutes: 0 });
  await page.getByRole('button', { name: 'Notifications, 2 unread' }).waitFor();
  assert.equal(await page.locator('.toast', { hasText: 'Quietly' }).count(), 0);
  await page.context().close();
});

test('the notification center: open the task, mark read, mark all read, clear all, 99+', async () => {
  const token = await api.register(uniqueEmail('center'));
  const due = new Date(Date.now() + 1_000).toISOString();
  await Promise.all(Array.from({ length: 100 }, (_, i) =>
    api.createTask(token, { title: `Reminder ${i}`, dueAt: due, remindBeforeMinutes: 0 })));
  await api.gql(token, 'mutation { updatePreferences(input: { toastNotifications: false }) { toastNotifications } }');
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByRole('button', { name: 'Notifications, 99+ unread' }).waitFor();

  await page.getByRole('button', { name: /Notifications, 99\+ unread/ }).click();
  const center = page.getByRole('dialog', { name: 'Notifications' });
  const first = center.getByRole('listitem').first();
  await first.getByRole('button', { name: 'Mark read' }).click();
  await page.getByRole('button', { name: 'Notifications, 99 unread' }).waitFor();
  await center.getByRole('button', { name: 'Mark all read' }).click();
  await page.getByRole('button', { name: 'Notifications, none unread' }).waitFor();
  const title = (await center.locator('.notification-title').first().textContent()).replace('Task due soon: ', '').trim();
  await center.getByRole('listitem').first().getByRole('button', { name: 'Open task' }).click();
  await page.getByRole('heading', { name: title }).waitFor();

  await page.getByRole('button', { name: /Notifications/ }).click();
  await page.getByRole('dialog', { name: 'Notifications' }).getByRole('button', { name: 'Clear all' }).click();
  await page.getByText("You're all caught up").waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Notifications' }).waitFor({ state: 'detached' });
  await page.context().close();
});

test('opening a task from its reminder toast marks the notification read', async () => {
  const token = await api.register(uniqueEmail('toast-open'));
  const page = await newPage(browser);
  await page.clock.install();
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();
  await waitForLive(page);
  await pauseClock(page);
  await api.createTask(token, { title: 'Open me', dueAt: new Date(Date.now() + 1_000).toISOString(), remindBeforeMinutes: 0 });
  const toast = page.locator('.toast', { hasText: 'Open me' });
  await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
  await toast.getByRole('button', { name: 'Open' }).click();
  await page.getByRole('heading', { name: 'Open me' }).waitFor();
  await page.getByRole('button', { name: 'Notifications, none unread' }).waitFor();
  const data = await api.gql(token, '{ unreadNotificationCount }');
  assert.equal(data.unreadNotificationCount, 0);
  await page.context().close();
});
