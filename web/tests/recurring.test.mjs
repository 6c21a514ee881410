// Recurring tasks: the badge, where the next occurrence lands, and undo. Dates are
// matched with and without the comma after the weekday: en-GB's pattern differs between
// ICU versions.
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

test('a monthly task on the 31st, completed twice, lands on the last day of shorter months', async () => {
  const token = await api.register(uniqueEmail('monthly'));
  await api.createTask(token, {
    title: 'Pay rent', dueAt: '2027-03-31T09:00:00+02:00', timeZone: 'Europe/Berlin', recurrence: { preset: 'MONTHLY' },
  });
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  const rent = page.locator('.task-row', { hasText: 'Pay rent' });
  await rent.getByText('Monthly on the 31st').waitFor();
  await rent.getByText('31 Mar 2027').waitFor();

  await page.getByRole('checkbox', { name: 'Complete “Pay rent”' }).click();
  await page.getByRole('status').getByText(/Next: Fri,? 30 Apr 2027, 09:00/).waitFor();
  await rent.getByText('30 Apr 2027').waitFor();

  await page.getByRole('checkbox', { name: 'Complete “Pay rent”' }).click();
  await page.getByRole('status').getByText(/Next: Mon,? 31 May 2027, 09:00/).waitFor();
  await rent.getByText('31 May 2027').waitFor();

  // Undo reopens the occurrence just completed and takes back the one it created.
  await page.getByRole('status').locator('.toast', { hasText: /Next: Mon,? 31 May 2027/ })
    .getByRole('button', { name: 'Undo' }).click();
  await page.locator('.task-row', { hasText: '30 Apr 2027' }).waitFor();
  await page.locator('.task-row', { hasText: '31 May 2027' }).waitFor({ state: 'detached' });
  assert.equal(await page.locator('.task-row', { hasText: 'Pay rent' }).count(), 1);
  const open = await api.gql(token, '{ tasks(filter: { completed: false }) { edges { node { title dueAt } } } }');
  assert.deepEqual(open.tasks.edges.map((e) => e.node), [{ title: 'Pay rent', dueAt: '2027-04-30T07:00:00Z' }]);

  await page.getByText('Pay rent').first().click();
  await page.getByRole('heading', { name: 'Next dates' }).waitFor();
  // The next dates arrive after the heading: wait for them rather than count at once.
  await page.getByRole('listitem').filter({ hasText: /30 Jun 2027|31 May 2027/ }).first().waitFor();
  await page.context().close();
});

/** Opens the new-task form with a title and a due date, and chooses Custom…. */
async function customRepeat(page, title, date) {
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel('Due date').fill(date);
  await dialog.getByLabel('Due time').fill('09:00');
  await dialog.getByLabel('Repeat', { exact: true }).selectOption('custom');
  return dialog;
}

const savedRule = async (token, title) => {
  const { tasks } = await api.gql(token, '{ tasks { edges { node { title recurrence { rrule description } } } } }');
  return tasks.edges.map((e) => e.node).find((t) => t.title === title).recurrence;
};

test('the repeat picker makes "every 2 weeks on Mon and Wed, 5 times" and shows its dates first', async () => {
  const token = await api.register(uniqueEmail('picker-weekly'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  // Monday 1 February 2027: the Monday chip starts checked.
  const dialog = await customRepeat(page, 'Swim', '2027-02-01');
  assert.equal(await dialog.getByLabel('Repeats').inputValue(), 'weekly');
  assert.equal(await dialog.getByRole('checkbox', { name: 'Mon' }).isChecked(), true);
  await dialog.getByLabel('Every').fill('2');
  await dialog.getByText('weeks', { exact: true }).waitFor();
  await dialog.getByRole('checkbox', { name: 'Wed' }).check();
  await dialog.getByRole('radiogroup', { name: 'Ends' }).getByLabel('after').check();
  await dialog.getByLabel('Number of times').fill('5');
  const dates = dialog.getByRole('list', { name: 'Next dates' });
  await dates.getByText(/Mon,? 1 Mar 2027/).waitFor();
  const shown = await dates.getByRole('listitem').allTextContents();
  const expected = [/Mon,? 1 Feb 2027/, /Wed,? 3 Feb 2027/, /Mon,? 15 Feb 2027/, /Wed,? 17 Feb 2027/, /Mon,? 1 Mar 2027/];
  assert.equal(shown.length, 5);
  shown.forEach((text, i) => assert.match(text, expected[i]));
  await dialog.getByRole('button', { name: 'Add task' }).click();
  await dialog.waitFor({ state: 'detached' });
  const rule = await savedRule(token, 'Swim');
  assert.equal(rule.rrule.split(';').sort().join(';'), 'BYDAY=MO,WE;COUNT=5;FREQ=WEEKLY;INTERVAL=2');

  // Edited, the picker reads the rule back.
  await page.getByRole('button', { name: 'Edit “Swim”' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit task' });
  assert.equal(await edit.getByLabel('Repeat', { exact: true }).inputValue(), 'custom');
  assert.equal(await edit.getByLabel('Every').inputValue(), '2');
  assert.equal(await edit.getByRole('checkbox', { name: 'Wed' }).isChecked(), true);
  await page.context().close();
});

test('the repeat picker makes "the last Friday monthly"', async () => {
  const token = await api.register(uniqueEmail('picker-monthly'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  const dialog = await customRepeat(page, 'Team lunch', '2027-01-29');
  await dialog.getByLabel('Repeats').selectOption('monthly');
  const on = dialog.getByRole('group', { name: 'On', exact: true });
  await on.getByRole('radio', { name: 'the', exact: true }).check();
  await on.getByLabel('Which week of the month').selectOption({ label: 'last' });
  await on.getByLabel('Weekday').selectOption({ label: 'Friday' });
  const dates = dialog.getByRole('list', { name: 'Next dates' });
  await dates.getByText(/Fri,? 28 May 2027/).waitFor();
  const shown = await dates.getByRole('listitem').allTextContents();
  const expected = [/29 Jan 2027/, /26 Feb 2027/, /26 Mar 2027/, /30 Apr 2027/, /28 May 2027/];
  assert.equal(shown.length, 5);
  shown.forEach((text, i) => assert.match(text, expected[i]));
  await dialog.getByRole('button', { name: 'Add task' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await savedRule(token, 'Team lunch')).rrule, 'FREQ=MONTHLY;BYDAY=-1FR');
  await page.context().close();
});

test('a repeat without a due date says so in words', async () => {
  const token = await api.register(uniqueEmail('picker-nodue'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Title').fill('Stretch');
  await dialog.getByLabel('Repeat', { exact: true }).selectOption('daily');
  await dialog.locator('.preview').getByText('Pick a due date to repeat from.').waitFor();
  await dialog.getByRole('button', { name: 'Add task' }).click();
  await dialog.locator('#task-due-error').getByText('Pick a due date to repeat from').waitFor();
  await page.context().close();
});

// NEEDS the API change of issue 33 item 4 (branch `undo`: a series' first date moves to
// the rule's first match on or after the date given). On main alone the preview still
// lists the Saturday first and this test fails; run it after merging both.
test('a first date that does not fit the rule is moved, and the form says so before saving', async () => {
  const token = await api.register(uniqueEmail('picker-first'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Title').fill('Stand-up');
  // Saturday 2 January 2027.
  await dialog.getByLabel('Due date').fill('2027-01-02');
  await dialog.getByLabel('Due time').fill('09:30');
  await dialog.getByLabel('Repeat', { exact: true }).selectOption('weekdays');
  await dialog.locator('.preview-start')
    .getByText(/^Starts Mon,? 4 Jan, the first date of “Every weekday” on or after Sat,? 2 Jan\.$/).waitFor();
  await page.context().close();
});
