// The task list: quick add, filters, ordering, empty states, overdue and today, more
// on scroll; the form's recurrence preview and field errors; a keyboard-only walk.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  closeApiAndBrowser,
  newPage,
  openSignedIn,
  startApiAndBrowser,
  uniqueEmail,
} from './harness.mjs';

let api;
let browser;
before(async () => ({ api, browser } = await startApiAndBrowser()));
after(() => closeApiAndBrowser(api, browser));

const rows = (page) => page.getByRole('region', { name: 'Tasks' }).getByRole('listitem');

test('quick add, empty states, overdue and today, filters and search', async () => {
  const token = await api.register(uniqueEmail('list'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();

  await page.getByLabel('Add a task').fill('Buy oat milk');
  await page.getByLabel('Add a task').press('Enter');
  await rows(page).filter({ hasText: 'Buy oat milk' }).waitFor();
  assert.equal(await page.getByLabel('Add a task').inputValue(), '');

  const hour = 3_600_000;
  await api.createTask(token, { title: 'File taxes', priority: 'URGENT', category: 'Admin', dueAt: new Date(Date.now() - 2 * hour).toISOString() });
  await api.createTask(token, { title: 'Call mum', priority: 'LOW', dueAt: new Date(Date.now() + 60_000 * 5).toISOString() });
  await page.reload();
  const taxes = rows(page).filter({ hasText: 'File taxes' });
  await taxes.waitFor();
  await taxes.getByText('Overdue').waitFor();
  await taxes.getByText('Urgent').waitFor();
  await rows(page).filter({ hasText: 'Call mum' }).getByText(/Today|Tomorrow/).waitFor();

  await page.getByRole('button', { name: 'More filters' }).click();
  await page.getByLabel('Priority').selectOption('urgent');
  await page.getByText('1 task', { exact: true }).waitFor();
  await page.getByLabel('Priority').selectOption('');
  await page.getByLabel('Search').fill('mum');
  await page.getByText('1 task', { exact: true }).waitFor();
  assert.equal(await rows(page).count(), 1);
  await page.getByLabel('Search').fill('nothing like this');
  await page.getByText('No tasks match these filters').waitFor();
  await page.getByLabel('Search').fill('');
  // The deprecated category of a task made through the API is a label now.
  await page.getByLabel('Label', { exact: true }).selectOption({ label: 'Admin' });
  await page.getByText('1 task', { exact: true }).waitFor();
  await page.getByLabel('Label', { exact: true }).selectOption('');

  await page.getByLabel('Order').selectOption('title');
  await page.getByText('3 tasks', { exact: true }).waitFor();
  const titles = await page.locator('.task-title').allTextContents();
  assert.deepEqual(titles, ['Buy oat milk', 'Call mum', 'File taxes']);

  await page.getByRole('button', { name: 'Done', exact: true }).click();
  await page.getByText('Nothing done yet').waitFor();
  await page.context().close();
});

test('filters live in the address: they survive a reload and step with back and forward', async () => {
  const token = await api.register(uniqueEmail('address'));
  await api.createTask(token, { title: 'Pay rent & bills', priority: 'HIGH' });
  await api.createTask(token, { title: 'Walk the dog', priority: 'LOW' });
  const chore = await api.createTask(token, { title: 'Old chore', priority: 'HIGH' });
  await api.gql(token, `mutation { completeTask(id: "${chore.id}") { task { id } } }`);
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByText('2 tasks', { exact: true }).waitFor();
  const params = () => new URL(page.url()).searchParams;

  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.getByText('3 tasks', { exact: true }).waitFor();
  assert.equal(params().get('status'), 'all');
  await page.getByRole('button', { name: 'More filters' }).click();
  await page.getByRole('button', { name: 'More filters', expanded: true }).waitFor();
  assert.equal(params().get('filters'), 'shown');
  await page.getByLabel('Priority').selectOption('high');
  await page.getByText('2 tasks', { exact: true }).waitFor();
  assert.equal(params().get('priority'), 'high');
  // Typing replaces the current step rather than adding one per key.
  await page.getByLabel('Search').fill('rent & bills');
  await page.getByText('1 task', { exact: true }).waitFor();

  await page.reload();
  await rows(page).filter({ hasText: 'Pay rent & bills' }).waitFor();
  await page.getByText('1 task', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Search').inputValue(), 'rent & bills');
  assert.equal(await page.getByLabel('Priority').inputValue(), 'high');
  assert.equal(await page.getByRole('button', { name: 'All', exact: true }).getAttribute('aria-pressed'), 'true');

  await page.goBack();
  await page.getByText('3 tasks', { exact: true }).waitFor();
  assert.equal(params().get('priority'), null);
  assert.equal(await page.getByLabel('Search').inputValue(), '');
  assert.equal(await page.getByLabel('Priority').inputValue(), '');
  await page.goBack();
  await page.getByText('2 tasks', { exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Open', exact: true }).getAttribute('aria-pressed'), 'true');

  await page.goForward();
  await page.getByText('3 tasks', { exact: true }).waitFor();
  await page.goForward();
  await page.getByText('1 task', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Search').inputValue(), 'rent & bills');
  await rows(page).filter({ hasText: 'Pay rent & bills' }).waitFor();
  await page.context().close();
});

test('more tasks load on scroll', async () => {
  const token = await api.register(uniqueEmail('scroll'));
  await Promise.all(Array.from({ length: 230 }, (_, i) =>
    api.createTask(token, { title: `Task number ${String(i).padStart(3, '0')}` })));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByText('230 tasks').waitFor();
  // The first page holds 50; each scroll to the end loads the next.
  await page.waitForFunction(() => document.querySelectorAll('.task-row').length >= 50);
  assert.ok(await rows(page).count() < 230, 'only the first page before scrolling');
  for (let i = 0; i < 60 && (await rows(page).count()) < 230; i++) {
    await page.mouse.wheel(0, 20_000);
    await page.waitForTimeout(100);
  }
  await page.waitForFunction(() => document.querySelectorAll('.task-row').length === 230);
  await page.context().close();
});

test('the form previews a monthly rule and shows an error beside its field', async () => {
  const token = await api.register(uniqueEmail('form'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Title').fill('Pay rent');
  await dialog.getByLabel('Due date').fill('2027-01-31');
  await dialog.getByLabel('Due time').fill('09:00');
  await dialog.getByLabel('Repeat', { exact: true }).selectOption('monthly');
  const dates = dialog.getByRole('list', { name: 'Next dates' });
  await dates.getByText('28 Feb 2027').waitFor();
  await dialog.getByText('Monthly on the 31st').waitFor();
  assert.equal(await dates.getByRole('listitem').count(), 5);

  // The raw rule is the advanced way; what the parser says is not for people.
  await dialog.getByLabel('Repeat', { exact: true }).selectOption('advanced');
  await dialog.getByLabel('Rule (RRULE)').fill('FREQ=SOMETIMES');
  await dialog.getByRole('button', { name: 'Add task' }).click();
  const error = dialog.locator('#task-recurrence-error');
  await error.filter({ hasText: /\S/ }).waitFor();
  const sentence = await error.textContent();
  assert.match(sentence, /cannot be read/);
  assert.doesNotMatch(sentence, /input\.|recurrence\.rrule|invalid RRULE|malformed|SOMETIMES/);
  assert.doesNotMatch(await dialog.locator('.preview').textContent(), /input\.|recurrence\.rrule|invalid RRULE|malformed/);
  assert.equal(await dialog.getByLabel('Repeat', { exact: true }).getAttribute('aria-invalid'), 'true');

  await dialog.getByLabel('Rule (RRULE)').fill('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO');
  await dialog.getByRole('button', { name: 'Add task' }).click();
  await dialog.waitFor({ state: 'detached' });
  await rows(page).filter({ hasText: 'Pay rent' }).getByText(/Every 2 weeks/).waitFor();
  await page.context().close();
});

test('keyboard only: create, complete and undo', async () => {
  const token = await api.register(uniqueEmail('keys'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.waitFor();
  // Focus moves on the next frame: wait for it, then type.
  await page.waitForFunction(() => document.activeElement?.id === 'task-title');
  await page.keyboard.type('Water the plants');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  const row = rows(page).filter({ hasText: 'Water the plants' });
  await row.waitFor();

  // Esc closes a dialog and gives focus back.
  await page.keyboard.press('n');
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  // The list is one tab stop: its row; `x` completes it.
  for (let i = 0; i < 40 && !(await row.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  assert.ok(await row.evaluate((el) => el === document.activeElement), 'the row takes focus');
  await page.keyboard.press('x');
  await page.getByText('Nothing to do').waitFor();

  const undo = page.getByRole('button', { name: 'Undo' });
  await undo.waitFor();
  for (let i = 0; i < 40 && !(await undo.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Shift+Tab');
  }
  assert.ok(await undo.evaluate((el) => el === document.activeElement), 'Undo takes focus');
  await page.keyboard.press('Enter');
  await row.waitFor();
  await page.keyboard.press('/');
  await page.waitForFunction(() => document.activeElement?.id === 'search');
  await page.keyboard.type('plants');
  assert.equal(await page.getByLabel('Search').inputValue(), 'plants');
  await page.context().close();
});

/** Every uncaught exception the page reports, to assert there were none. */
const collectErrors = (page) => {
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  return errors;
};

test('the time zone field: cleared or half-typed it breaks nothing, "Berlin" finds Europe/Berlin', async () => {
  const token = await api.register(uniqueEmail('zone'));
  const page = await newPage(browser);
  const errors = collectErrors(page);
  await openSignedIn(page, api, token);
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Title').fill('Call Tokyo');
  await dialog.getByLabel('Due date').fill('2027-03-01');
  await dialog.getByLabel('Due time').fill('09:00');
  await dialog.getByLabel('Repeat', { exact: true }).selectOption('weekly');
  const zone = dialog.getByRole('combobox', { name: 'Time zone' });

  // Once this threw "Invalid time zone specified" and no button worked after it.
  await zone.fill('');
  await zone.fill('Berl');
  await zone.fill('Berlin');
  await dialog.getByRole('option', { name: /Europe\/Berlin/ }).waitFor();
  assert.equal(await dialog.getByRole('listbox', { name: 'Suggested zones' }).getByRole('option').count(), 1);
  await zone.press('Enter');
  assert.equal(await zone.inputValue(), 'Europe/Berlin');
  assert.equal(await dialog.getByRole('listbox', { name: 'Suggested zones', includeHidden: true }).isVisible(), false);
  // Enter picked the zone; it did not send the form.
  assert.equal(await dialog.isVisible(), true);

  // Words of a city find it too; arrows and a click pick.
  await zone.fill('new york');
  await dialog.getByRole('option', { name: 'America/New_York' }).click();
  assert.equal(await zone.inputValue(), 'America/New_York');

  // A name that is no zone is a sentence under the field, not a crash.
  await zone.fill('Atlantis');
  await dialog.getByRole('button', { name: 'Add task' }).click();
  await dialog.locator('#task-timeZone-error').getByText('“Atlantis” is not a time zone we know').waitFor();
  assert.equal(await zone.getAttribute('aria-invalid'), 'true');

  await zone.fill('Berlin');
  await zone.press('Enter');
  await dialog.getByRole('list', { name: 'Next dates' }).getByText(/Mon,? 8 Mar 2027, 09:00/).waitFor();
  await dialog.getByRole('button', { name: 'Add task' }).click();
  await dialog.waitFor({ state: 'detached' });
  await rows(page).filter({ hasText: 'Call Tokyo' }).waitFor();
  const { tasks } = await api.gql(token, '{ tasks { edges { node { timeZone dueAt } } } }');
  assert.deepEqual(tasks.edges.map((e) => e.node), [{ timeZone: 'Europe/Berlin', dueAt: '2027-03-01T08:00:00Z' }]);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Esc on a filled form asks before discarding; on an empty one it closes', async () => {
  const token = await api.register(uniqueEmail('discard'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await page.waitForFunction(() => document.activeElement?.id === 'task-title');
  await page.keyboard.type('Half a thought');
  await page.keyboard.press('Escape');
  const question = dialog.getByRole('group', { name: 'Discard this new task?' });
  await question.waitFor();
  assert.equal(await dialog.getByRole('alert').textContent(), 'Discard this new task?');
  await page.waitForFunction(() => document.activeElement?.textContent === 'Keep editing');
  // Esc again keeps editing, with the text still there.
  await page.keyboard.press('Escape');
  await question.waitFor({ state: 'detached' });
  assert.equal(await dialog.getByLabel('Title').inputValue(), 'Half a thought');
  await page.keyboard.press('Escape');
  await question.getByRole('button', { name: 'Discard' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('Nothing to do').waitFor();

  // Unchanged: Esc closes at once.
  await page.getByRole('button', { name: 'New task' }).click();
  await dialog.waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'task-title');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.context().close();
});

// No real trigger is left for these (the zone crash is fixed): the app reads a test-only
// flag, localStorage['todo.test.fail'] (web/src/crash.rs), to fail on purpose.
for (const [kind, role] of [['error', 'alert'], ['panic', 'alertdialog']]) {
  test(`an unexpected ${kind} shows a message and a way on, not a dead page`, async () => {
    const token = await api.register(uniqueEmail(`crash-${kind}`));
    const page = await newPage(browser);
    await openSignedIn(page, api, token);
    await page.getByText('Nothing to do').waitFor();
    await page.evaluate((kind) => localStorage.setItem('todo.test.fail', kind), kind);
    await page.reload();
    const message = page.getByRole(role).filter({ hasText: 'Something went wrong' });
    await message.waitFor();
    await message.getByRole('button', { name: 'Reload' }).waitFor();
    await page.evaluate(() => localStorage.removeItem('todo.test.fail'));
    await message.getByRole('link', { name: 'Go to the task list' }).click();
    await page.getByText('Nothing to do').waitFor();
    assert.equal(await page.getByText('Something went wrong').count(), 0);
    await page.context().close();
  });
}
