// Undo and toasts: undoing a recurring task's completion leaves one open occurrence (and
// says so when a changed next occurrence was kept), Ctrl+Z undoes from the keyboard, and
// toasts stay clear of open dialogs, pause only while hovered or focused, three at most.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  closeApiAndBrowser,
  newPage,
  openSignedIn,
  seriousViolations,
  shot,
  startApiAndBrowser,
  uniqueEmail,
  waitForLive,
} from './harness.mjs';

let api;
let browser;
before(async () => ({ api, browser } = await startApiAndBrowser()));
after(() => closeApiAndBrowser(api, browser));

const weekly = (title) => ({
  title, dueAt: '2030-01-07T09:00:00+01:00', timeZone: 'Europe/Berlin', recurrence: { preset: 'WEEKLY' },
});

/** The user's open tasks called `title`, as the API has them. */
async function openOnServer(token, title) {
  const data = await api.gql(token, 'query($s: String) { tasks(filter: { completed: false, search: $s }) { edges { node { id title dueAt } } } }', { s: title });
  return data.tasks.edges.map((e) => e.node).filter((t) => t.title === title);
}

/** Stops the page's timers (see notifications.test.mjs): toasts stay until the test
 * moves the clock. */
async function pauseClock(page) {
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1_000));
}

test('Ctrl+Z undoes the last completion of a recurring task: one open row, on the server too', async () => {
  const token = await api.register(uniqueEmail('ctrlz'));
  await api.createTask(token, weekly('Water plants'));
  const page = await newPage(browser);
  await page.clock.install();
  await openSignedIn(page, api, token);
  await waitForLive(page);
  const rows = page.locator('.task-row', { hasText: 'Water plants' });
  await rows.getByText('7 Jan 2030').waitFor();
  await pauseClock(page);

  await page.getByRole('checkbox', { name: 'Complete “Water plants”' }).click();
  await page.getByRole('status').getByText(/Next: .*14 Jan 2030/).waitFor();
  await rows.getByText('14 Jan 2030').waitFor();
  // Focus is on the list's checkbox, not in a text field.
  await page.keyboard.press('Control+z');
  await rows.getByText('7 Jan 2030').waitFor();
  await page.getByRole('status').getByText(/Next: .*14 Jan 2030/).waitFor({ state: 'detached' });
  // The next occurrence's row leaves when the removal reaches the list, which may be a
  // moment after the reopened row is back.
  await rows.filter({ hasText: '14 Jan 2030' }).waitFor({ state: 'detached' });
  assert.equal(await rows.count(), 1, JSON.stringify(await rows.allInnerTexts()));
  const open = await openOnServer(token, 'Water plants');
  assert.equal(open.length, 1, JSON.stringify(open));
  assert.equal(open[0].dueAt, '2030-01-07T08:00:00Z');

  // Typing Ctrl+Z in a text field is the field's own undo.
  await page.getByRole('checkbox', { name: 'Complete “Water plants”' }).click();
  await rows.getByText('14 Jan 2030').waitFor();
  // The pointer leaves the list, so the completed row is no longer held in place.
  await page.getByLabel('Add a task').hover();
  await page.getByLabel('Add a task').focus();
  await page.keyboard.press('Control+z');
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).focus();
  assert.equal((await openOnServer(token, 'Water plants')).length, 1);
  assert.equal(await rows.count(), 1);
  await rows.getByText('14 Jan 2030').waitFor();
  // The toast's Undo is a focusable button: Enter undoes.
  await page.keyboard.press('Enter');
  await rows.getByText('7 Jan 2030').waitFor();
  assert.equal(await rows.count(), 1);
  assert.deepEqual((await openOnServer(token, 'Water plants')).map((t) => t.dueAt), ['2030-01-07T08:00:00Z']);
  // axe waits on timers of its own.
  await page.clock.resume();
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});

test('Undo keeps a next occurrence someone changed, and says so', async () => {
  const token = await api.register(uniqueEmail('kept'));
  await api.createTask(token, weekly('Call mum'));
  const page = await newPage(browser);
  await page.clock.install();
  await openSignedIn(page, api, token);
  await waitForLive(page);
  await pauseClock(page);
  await page.getByRole('checkbox', { name: 'Complete “Call mum”' }).click();
  const toast = page.getByRole('status').locator('.toast', { hasText: 'Completed “Call mum”' });
  await toast.waitFor();
  const [next] = await openOnServer(token, 'Call mum');
  await api.gql(token, 'mutation($id: ID!) { updateTask(id: $id, input: { priority: HIGH }) { id } }', { id: next.id });
  await toast.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('status').getByText(/next occurrence .*was kept because it was changed/).waitFor();
  await page.locator('.task-row', { hasText: '7 Jan 2030' }).waitFor();
  assert.equal(await page.locator('.task-row', { hasText: 'Call mum' }).count(), 2);
  assert.equal((await openOnServer(token, 'Call mum')).length, 2);
  await page.context().close();
});

for (const { width, height, size } of [{ width: 360, height: 740, size: 'phone' }, { width: 1280, height: 800, size: 'desktop' }]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`toasts stay clear of an open dialog's buttons, three at most (${size}, ${colorScheme})`, async () => {
      const token = await api.register(uniqueEmail(`clear-${size}-${colorScheme}`));
      for (const title of ['One', 'Two', 'Three', 'Four']) {
        await api.createTask(token, { title, dueAt: '2030-01-07T09:00:00Z' });
      }
      const page = await newPage(browser, { width, height, colorScheme });
      await page.clock.install();
      await openSignedIn(page, api, token);
      await page.locator('.task-row', { hasText: 'Four' }).waitFor();
      await pauseClock(page);
      for (const title of ['One', 'Two', 'Three', 'Four']) {
        await page.getByRole('checkbox', { name: `Complete “${title}”` }).click();
        await page.getByRole('status').getByText(`Completed “${title}”`).waitFor();
      }
      // The oldest made way: three at a time.
      assert.equal(await page.locator('.toast').count(), 3);
      assert.equal(await page.getByText('Completed “One”').count(), 0);

      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.waitFor();
      const boxes = async (locator) => Promise.all((await locator.all()).map((l) => l.boundingBox()));
      const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width
        && a.y < b.y + b.height && b.y < a.y + a.height;
      // The dialog is laid out below the stack once the stack has been measured (by a
      // ResizeObserver, which the paused clock does not hold back).
      await dialog.getByRole('button', { name: 'Add task' }).waitFor();
      for (let i = 0; i < 50; i++) {
        const settled = await page.evaluate(() => document.documentElement.style.getPropertyValue('--toast-room') !== '');
        if (settled) break;
        await new Promise((done) => setTimeout(done, 100));
      }
      const toasts = await boxes(page.locator('.toast'));
      const buttons = await boxes(dialog.getByRole('button'));
      assert.ok(buttons.length >= 3, 'Close, Cancel and Add task');
      for (const toast of toasts) {
        for (const button of buttons) {
          assert.ok(!overlaps(toast, button), `a toast ${JSON.stringify(toast)} covers a button ${JSON.stringify(button)}`);
        }
      }
      await shot(page, `toasts-over-dialog-${size}-${colorScheme}`, { fullPage: false });
      await page.clock.resume();
      assert.deepEqual(await seriousViolations(page), []);
      await page.context().close();
    });
  }
}

test('a toast waits while focused or hovered and leaves after', async () => {
  const token = await api.register(uniqueEmail('pause'));
  await api.createTask(token, { title: 'Focus me', dueAt: '2030-01-07T09:00:00Z' });
  const page = await newPage(browser);
  await page.clock.install();
  await openSignedIn(page, api, token);
  await page.locator('.task-row', { hasText: 'Focus me' }).waitFor();
  await pauseClock(page);
  await page.getByRole('checkbox', { name: 'Complete “Focus me”' }).click();
  const toast = page.locator('.toast', { hasText: 'Completed “Focus me”' });
  await toast.waitFor();
  await toast.getByRole('button', { name: 'Undo' }).focus();
  await page.clock.runFor(10_000);
  assert.equal(await toast.count(), 1, 'still there while focused');
  await page.getByRole('button', { name: 'New task' }).focus();
  await toast.hover();
  await page.clock.runFor(10_000);
  assert.equal(await toast.count(), 1, 'still there while hovered');
  await page.mouse.move(0, 0);
  await page.clock.runFor(5_100);
  await toast.waitFor({ state: 'detached' });
  await page.context().close();
});
