// Quick add in plain language, the all-day switch, the calendar feed dialog, and
// import/export from the settings page.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import {
  closeApiAndBrowser,
  newPage,
  openSignedIn,
  seriousViolations,
  shot,
  startApiAndBrowser,
  uniqueEmail,
} from './harness.mjs';

let api;
let browser;
before(async () => ({ api, browser } = await startApiAndBrowser()));
after(() => closeApiAndBrowser(api, browser));

async function berlinUser(what) {
  const token = await api.register(uniqueEmail(what));
  await api.gql(token, 'mutation { updatePreferences(input: { timeZone: "Europe/Berlin" }) { timeZone } }');
  return token;
}

test('quick add highlights what it recognised, shows the first dates and creates the task', async () => {
  const token = await berlinUser('quick');
  await api.gql(token, 'mutation { createProject(input: { name: "Home" }) { id } }');
  await api.gql(token, 'mutation { createLabel(input: { name: "bills" }) { id } }');
  const page = await newPage(browser);
  await openSignedIn(page, api, token, '/');
  const field = page.getByLabel('Add a task');
  await field.fill('Pay rent every month on the last day at 9am p1 #home @bills @flat');
  const reading = page.locator('#quick-add-reading');
  await reading.locator('mark.qa-repeat', { hasText: 'every month on the last day' }).waitFor();
  assert.deepEqual(
    await reading.locator('mark').evaluateAll((marks) => marks.map((m) => [m.className, m.lastChild.textContent])),
    [
      ['qa-repeat', 'every month on the last day'],
      ['qa-when', 'at 9am'],
      ['qa-priority', 'p1'],
      ['qa-project', '#home'],
      ['qa-label', '@bills'],
      ['qa-label', '@flat'],
    ],
  );
  const summary = reading.locator('.qa-summary');
  await summary.getByText('↻ Monthly on the last day').waitFor();
  assert.match(await summary.locator('.qa-next').innerText(), /^Next: .+ · .+ · .+$/);
  await summary.getByText('#Home').waitFor();
  await summary.getByText('@flat (new)').waitFor();
  await shot(page, 'quick-add-reading');
  assert.deepEqual(await seriousViolations(page), []);

  await field.press('Enter');
  await page.locator('.task-row', { hasText: 'Pay rent' }).waitFor();
  assert.equal(await field.inputValue(), '');
  const { tasks } = await api.gql(token, `{ tasks(filter: { search: "Pay rent" }) { edges { node {
    title priority allDay recurrence { rrule } project { name } labels { name } } } } }`);
  assert.deepEqual(tasks.edges[0].node, {
    title: 'Pay rent',
    priority: 'URGENT',
    allDay: false,
    recurrence: { rrule: 'FREQ=MONTHLY;BYMONTHDAY=-1' },
    project: { name: 'Home' },
    labels: [{ name: 'bills' }, { name: 'flat' }],
  });

  // A plain title still works, and an unknown project is said, not created.
  await field.fill('Paint the fence #Garden');
  await page.locator('.qa-warning', { hasText: 'No project “Garden”' }).waitFor();
  await field.fill('');
  await field.fill('Call the bank tomorrow');
  await page.locator('mark.qa-when', { hasText: 'tomorrow' }).waitFor();
  await field.press('Enter');
  const row = page.locator('.task-row', { hasText: 'Call the bank' });
  await row.locator('.due', { hasText: 'Tomorrow' }).waitFor();
  assert.doesNotMatch(await row.locator('.due').innerText(), /\d\d:\d\d/, 'an all-day task shows no time');
  await page.context().close();
});

test('the all-day switch saves a date without a time', async () => {
  const token = await berlinUser('allday');
  const page = await newPage(browser);
  await openSignedIn(page, api, token, '/');
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Title').fill('Passport renewal');
  await dialog.getByLabel('Due date').fill('2030-03-17');
  await dialog.getByLabel('Due time').fill('15:45');
  await dialog.getByRole('switch', { name: 'All day' }).check();
  assert.equal(await dialog.getByLabel('Due time').isDisabled(), true);
  await shot(page, 'task-form-all-day');
  await dialog.getByRole('button', { name: 'Add task' }).click();
  const row = page.locator('.task-row', { hasText: 'Passport renewal' });
  await row.waitFor();
  assert.doesNotMatch(await row.locator('.due').innerText(), /\d\d:\d\d/);
  const { tasks } = await api.gql(token, '{ tasks { edges { node { id dueAt allDay } } } }');
  const { id, ...saved } = tasks.edges[0].node;
  assert.deepEqual(saved, { dueAt: '2030-03-16T23:00:00Z', allDay: true });

  // Editing shows the switch on and no time.
  await page.goto(`${api.base}/tasks/${id}`);
  await page.getByRole('heading', { name: 'Passport renewal' }).waitFor();
  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit task' });
  assert.equal(await edit.getByRole('switch', { name: 'All day' }).isChecked(), true);
  assert.equal(await edit.getByLabel('Due time').inputValue(), '');
  await page.context().close();
});

test('the calendar feed is copied and replaced from the settings page', async () => {
  const token = await berlinUser('feed');
  await api.createTask(token, { title: 'Dentist', dueAt: '2030-05-02T10:00:00Z' });
  const page = await newPage(browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openSignedIn(page, api, token, '/settings');
  await page.getByRole('button', { name: 'Calendar feed…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Calendar feed' });
  const address = dialog.getByLabel('Feed address');
  await address.waitFor();
  const url = await address.inputValue();
  assert.match(url, /\/calendar\/[\w-]{43}\.ics$/);
  await dialog.getByRole('button', { name: 'Copy address' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
  const feedPath = (u) => `${api.base}${new URL(u).pathname}`;
  const feed = await fetch(feedPath(url));
  assert.equal(feed.status, 200);
  assert.match(await feed.text(), /SUMMARY:Dentist/);
  await shot(page, 'calendar-feed-dialog');

  await dialog.getByRole('button', { name: 'Make a new address…' }).click();
  await dialog.getByRole('button', { name: 'Replace address' }).click();
  await page.getByText('New feed address made').waitFor();
  const replaced = await address.inputValue();
  assert.notEqual(replaced, url);
  assert.equal((await fetch(feedPath(url))).status, 404, 'the old address stops at once');
  assert.equal((await fetch(feedPath(replaced))).status, 200);
  await page.context().close();
});

const TODOIST = `TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE,DURATION,DURATION_UNIT
section,Groceries,,,,,,,,,,
task,Buy milk @errands,,4,1,Ada,,tomorrow,en,,,
task,Oat milk,,1,2,Ada,,,,,,
task,Water plants,,3,1,Ada,,every 3 days at 8am,en,,,
`;

test('a Todoist CSV imports with its result shown, and the export downloads', async () => {
  const token = await berlinUser('import');
  const page = await newPage(browser);
  await openSignedIn(page, api, token, '/settings');
  await page.getByLabel('File to import').setInputFiles({
    name: 'todoist.csv', mimeType: 'text/csv', buffer: Buffer.from(TODOIST),
  });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const result = page.getByRole('dialog', { name: 'Import' });
  await result.getByText('Imported 3 tasks.').waitFor();
  await result.getByText('Line 2: sections are not imported; their tasks are').waitFor();
  await shot(page, 'import-result');
  await result.getByRole('button', { name: 'Done' }).click();

  // A row it cannot read refuses the file, naming the line and column.
  await page.getByLabel('File to import').setInputFiles({
    name: 'broken.csv', mimeType: 'text/csv',
    buffer: Buffer.from(`${TODOIST}task,Feed the cat,,2,1,Ada,,when the moon is full,en,,,\n`),
  });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('dialog', { name: 'Import' }).getByText(/line 6, DATE/).waitFor();
  await page.getByRole('dialog', { name: 'Import' }).getByRole('button', { name: 'Done' }).click();
  const { tasks } = await api.gql(token, '{ tasks { totalCount } }');
  assert.equal(tasks.totalCount, 2, 'two top-level tasks, and nothing from the refused file');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export as JSON' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^tasks-\d{4}-\d\d-\d\d\.json$/);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(exported.format, 'todo-app-export');
  assert.deepEqual(exported.tasks.map((t) => t.title).sort(), ['Buy milk', 'Water plants']);
  assert.deepEqual(exported.tasks.find((t) => t.title === 'Buy milk').subtasks.map((t) => t.title), ['Oat milk']);
  await page.context().close();
});
