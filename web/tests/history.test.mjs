// History: a task's audit trail on its page, and the activity page with filters.
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

test('a task shows who changed what, when and through which channel', async () => {
  const token = await api.register(uniqueEmail('history'));
  const task = await api.createTask(token, { title: 'Draft the report', priority: 'LOW' });
  const page = await newPage(browser);
  await openSignedIn(page, api, token, `/tasks/${task.id}`);
  await page.getByRole('heading', { name: 'Draft the report' }).waitFor();
  await page.getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit task' });
  await dialog.getByLabel('Title').fill('Write the report');
  await dialog.getByLabel('Priority').selectOption('high');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'Write the report' }).waitFor();

  const history = page.locator('.history-list');
  const update = history.locator('.history-entry', { hasText: 'Updated' });
  await update.waitFor();
  await update.getByText('by you on the web').waitFor();
  const title = update.getByRole('row', { name: /Title/ });
  assert.equal(await title.locator('.before').textContent(), 'Draft the report');
  assert.equal(await title.locator('.after').textContent(), 'Write the report');
  const priority = update.getByRole('row', { name: /Priority/ });
  assert.equal(await priority.locator('.before').textContent(), 'Low');
  assert.equal(await priority.locator('.after').textContent(), 'High');
  await history.locator('.history-entry', { hasText: 'Created' }).getByText('by you via GraphQL').waitFor();
  await page.context().close();
});

test('the activity page filters by task, action and source', async () => {
  const token = await api.register(uniqueEmail('activity'));
  const a = await api.createTask(token, { title: 'Alpha' });
  await api.createTask(token, { title: 'Beta' });
  await api.gql(token, 'mutation($id: ID!) { completeTask(id: $id) { task { id } } }', { id: a.id });
  const page = await newPage(browser);
  await openSignedIn(page, api, token, '/activity');
  await page.getByText('3 changes').waitFor();
  await page.getByLabel('Action').selectOption('Completed');
  await page.getByText('1 change', { exact: true }).waitFor();
  await page.locator('.history-entry', { hasText: 'Alpha' }).waitFor();
  await page.getByLabel('Action').selectOption('');
  await page.getByLabel('Task').selectOption({ label: 'Beta' });
  await page.getByText('1 change', { exact: true }).waitFor();
  await page.getByLabel('Task').selectOption('');
  await page.getByLabel('Source').selectOption('Web');
  await page.getByText('No activity to show').waitFor();
  await page.context().close();
});

test('the activity page offers each task once, and tasks that share a title apart', async () => {
  const token = await api.register(uniqueEmail('unique'));
  const rent = await api.createTask(token, {
    title: 'Pay rent', dueAt: '2027-01-31T09:00:00+01:00', timeZone: 'Europe/Berlin', recurrence: { preset: 'MONTHLY' },
  });
  const next = (await api.gql(token, 'mutation($id: ID!) { completeTask(id: $id) { nextOccurrence { id } } }', { id: rent.id })).completeTask.nextOccurrence;
  await api.gql(token, 'mutation($id: ID!) { updateTask(id: $id, input: { priority: HIGH }) { id } }', { id: next.id });
  await api.createTask(token, { title: 'Water the plants' });
  const page = await newPage(browser);
  await openSignedIn(page, api, token, '/activity');
  await page.locator('.history-entry').first().waitFor();
  const options = await page.getByLabel('Task').locator('option').allTextContents();
  assert.equal(new Set(options).size, options.length, `no option twice: ${options.join(' | ')}`);
  assert.equal(options.filter((o) => o.startsWith('Pay rent')).length, 2);
  assert.equal(options.filter((o) => o === 'Water the plants').length, 1);
  await page.context().close();
});
