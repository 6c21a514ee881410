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
