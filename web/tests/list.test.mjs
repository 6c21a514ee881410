// The list for daily use: one load per view, groups by due date that follow the clock,
// a completed row that stays under the pointer, the Done list's completion times, the
// keyboard (skip link, roving focus, shortcuts), and the page before the app starts.
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

const list = (page) => page.getByRole('region', { name: 'Tasks' });
const row = (page, title) => list(page).getByRole('listitem').filter({ hasText: title });
const focused = (page) => page.evaluate(() => document.activeElement?.textContent ?? '');

test('a load asks for the list once, whatever arrives after it', async () => {
  const token = await api.register(uniqueEmail('once'));
  // The account's zone differs from the browser's: the preferences arriving after the
  // first render must not start the list again.
  await api.gql(token, 'mutation { updatePreferences(input: { timeZone: "America/New_York" }) { timeZone } }');
  await api.createTask(token, { title: 'Water the plants' });
  const page = await newPage(browser);
  const lists = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && /\btasks\s*\(/.test(request.postData() ?? '')) lists.push(request);
  });
  await openSignedIn(page, api, token);
  await row(page, 'Water the plants').waitFor();
  // The live connection is up and its catch-up done: nothing more is on its way.
  await waitForLive(page);
  await page.waitForLoadState('networkidle');
  assert.equal(lists.length, 1, 'one request for the list');
  // Folding the filters out changes the address, not the query.
  await page.getByRole('button', { name: 'More filters' }).click();
  await page.getByLabel('Priority').waitFor();
  await page.waitForLoadState('networkidle');
  assert.equal(lists.length, 1, 'still one after unfolding the filters');
  await page.context().close();
});

test('grouped by due date, and a task turns overdue at its due minute', async () => {
  const token = await api.register(uniqueEmail('groups'));
  // The page's clock starts at 11:00 in Berlin (the browsers' zone) and moves only
  // when the test moves it.
  const start = Date.parse('2027-03-10T10:00:00Z');
  await api.createTask(token, { title: 'Send the invoice', dueAt: '2027-03-10T08:00:00Z' });
  await api.createTask(token, { title: 'Call the bank', dueAt: '2027-03-10T10:02:00Z' });
  await api.createTask(token, { title: 'Book the train', dueAt: '2027-03-12T09:00:00Z' });
  await api.createTask(token, { title: 'Read a novel' });
  const page = await newPage(browser);
  await page.clock.install({ time: start });
  await openSignedIn(page, api, token);
  await row(page, 'Read a novel').waitFor();
  // axe waits on timers: it runs before the clock stops.
  assert.deepEqual(await seriousViolations(page), []);
  await shot(page, 'list-groups');
  await page.clock.pauseAt(start + 30_000);

  const headings = await list(page).getByRole('heading', { level: 2 }).allTextContents();
  assert.deepEqual(headings, ['Overdue', 'Today', 'Upcoming', 'No date']);
  const group = (name) => page.getByRole('list', { name, exact: true });
  await group('Overdue').getByRole('listitem').filter({ hasText: 'Send the invoice' }).waitFor();
  await group('Today').getByRole('listitem').filter({ hasText: 'Call the bank' }).waitFor();
  await group('Upcoming').getByRole('listitem').filter({ hasText: 'Book the train' }).waitFor();
  await group('No date').getByRole('listitem').filter({ hasText: 'Read a novel' }).waitFor();
  // A row without details is one line, as high as a row whose details fill a second.
  const height = async (title) => (await row(page, title).boundingBox()).height;
  assert.ok(await height('Read a novel') < await height('Book the train'), 'a row without details is shorter');

  // Two minutes on, without a reload: the bank call is overdue.
  await page.clock.runFor(2 * 60_000 + 1_000);
  const bank = group('Overdue').getByRole('listitem').filter({ hasText: 'Call the bank' });
  await bank.waitFor();
  await bank.getByText('Overdue').waitFor();
  assert.equal(await group('Today').count(), 0, 'the Today group has gone with its only task');
  await page.context().close();
});

test('a row completed under the pointer stays until the pointer leaves or a moment passes', async () => {
  const token = await api.register(uniqueEmail('hold'));
  for (const title of ['First', 'Second', 'Third', 'Fourth']) await api.createTask(token, { title });
  const page = await newPage(browser);
  await page.clock.install();
  await openSignedIn(page, api, token);
  await row(page, 'Fourth').waitFor();
  await waitForLive(page);
  // From here on the page's timers wait for the test.
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1_000));
  const boxes = async () => Promise.all(['First', 'Second', 'Third', 'Fourth'].map(async (t) => (await row(page, t).boundingBox()).y));
  const before = await boxes();

  await page.getByRole('checkbox', { name: 'Complete “Second”' }).click();
  await page.getByRole('status').getByText('Completed “Second”').waitFor();
  await page.getByRole('checkbox', { name: 'Reopen “Second”' }).waitFor();
  assert.deepEqual(await boxes(), before, 'no row moved');
  // The pointer leaves the list: the finished row goes.
  await page.mouse.move(2, 2);
  await row(page, 'Second').waitFor({ state: 'detached' });

  await page.getByRole('checkbox', { name: 'Complete “Third”' }).click();
  await page.getByRole('status').getByText('Completed “Third”').waitFor();
  await page.getByRole('checkbox', { name: 'Reopen “Third”' }).waitFor();
  // The pointer stays, and a moment passes: it goes too.
  await page.clock.runFor(2_100);
  await row(page, 'Third').waitFor({ state: 'detached' });
  await page.context().close();
});

test('the Done list shows when a task was done, not its old due date', async () => {
  const token = await api.register(uniqueEmail('done'));
  const task = await api.createTask(token, { title: 'Renew the passport', dueAt: '2026-01-05T09:00:00Z' });
  await api.gql(token, 'mutation($id: ID!) { completeTask(id: $id) { task { id } } }', { id: task.id });
  const page = await newPage(browser);
  await openSignedIn(page, api, token, '/?status=done');
  const done = row(page, 'Renew the passport');
  await done.getByText(/Done/).waitFor();
  await done.getByText(/^Today, \d\d:\d\d$/).waitFor();
  assert.doesNotMatch(await done.textContent(), /5 Jan/);
  await page.context().close();
});

test('keyboard: skip link, one tab stop, arrows and j/k, x, e, Enter, and ? for the shortcuts', async () => {
  const token = await api.register(uniqueEmail('roving'));
  for (const title of ['Alpha', 'Bravo', 'Charlie']) await api.createTask(token, { title });
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await row(page, 'Charlie').waitFor();
  await waitForLive(page);
  const titles = await list(page).locator('.task-title').allTextContents();

  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'Skip to the list');
  await page.keyboard.press('Enter');
  await page.waitForFunction((t) => document.activeElement?.matches('li') && document.activeElement.textContent.includes(t), titles[0]);
  assert.equal(await list(page).locator('[tabindex="0"]').count(), 1, 'the list is one tab stop');

  const on = (title) => page.waitForFunction((t) => document.activeElement?.matches('li') && document.activeElement.textContent.includes(t), title);
  await page.keyboard.press('ArrowDown');
  await on(titles[1]);
  await page.keyboard.press('j');
  await on(titles[2]);
  await page.keyboard.press('k');
  await on(titles[1]);
  assert.equal(await list(page).locator('[tabindex="0"]').count(), 1, 'still one tab stop');

  // `x` completes the row; focus goes to the row that takes its place.
  await page.keyboard.press('x');
  await row(page, titles[1]).waitFor({ state: 'detached' });
  await on(titles[2]);

  await page.keyboard.press('e');
  const dialog = page.getByRole('dialog', { name: 'Edit task' });
  await dialog.waitFor();
  assert.equal(await dialog.getByLabel('Title').inputValue(), titles[2]);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await on(titles[2]);

  await page.keyboard.press('Enter');
  await page.waitForURL(/\/tasks\//);
  // Tasks stays the current page in the navigation on a task's page.
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'Tasks' }).getAttribute('aria-current'), 'page');
  assert.equal(await nav.getByRole('link', { name: 'Activity' }).getAttribute('aria-current'), null);
  await page.goBack();
  await row(page, titles[0]).waitFor();

  // Keys typed into a field stay there.
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Search').pressSequentially('?x');
  assert.equal(await page.getByLabel('Search').inputValue(), '?x');
  assert.equal(await page.getByRole('dialog').count(), 0);
  await page.getByLabel('Search').fill('');

  await page.getByRole('heading', { name: 'Tasks', level: 1 }).click();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor();
  for (const text of ['New task', 'Complete or reopen the task', 'Edit the task', 'Undo the last completion']) {
    await help.getByText(text).waitFor();
  }
  await page.waitForFunction(() => document.activeElement?.closest('[role=dialog]'));
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => Boolean(document.activeElement?.closest('[role=dialog]'))), 'focus stays in the dialog');
  assert.deepEqual(await seriousViolations(page), []);
  await shot(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });
  await page.context().close();
});

test('the page shows that it is loading before the app starts, and not after', async () => {
  const html = await (await fetch(`${api.base}/`)).text();
  assert.match(html, /<div class="boot" role="status">[^]*Loading/);
  const token = await api.register(uniqueEmail('boot'));
  const page = await newPage(browser, { colorScheme: 'dark' });
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();
  assert.equal(await page.getByText('Loading Todo…').isVisible(), false);
  await page.context().close();
});

test('compact density is a setting of this device', async () => {
  const token = await api.register(uniqueEmail('compact'));
  await api.createTask(token, { title: 'Stretch', priority: 'LOW' });
  const page = await newPage(browser);
  await openSignedIn(page, api, token, '/settings');
  await page.getByLabel('Compact list').check();
  await page.goto(`${api.base}/`);
  await row(page, 'Stretch').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.density), 'compact');
  await page.context().close();
});

// The list at both sizes, both themes, both densities.
for (const [width, height] of [[360, 740], [1280, 800]]) {
  for (const colorScheme of ['light', 'dark']) {
    for (const density of ['normal', 'compact']) {
      test(`the grouped list at ${width}px, ${colorScheme}, ${density}`, async () => {
        const token = await api.register(uniqueEmail('look'));
        const hour = 3_600_000;
        await api.createTask(token, { title: 'File the tax return', priority: 'URGENT', category: 'Admin', dueAt: new Date(Date.now() - 5 * hour).toISOString() });
        await api.createTask(token, { title: 'Stand-up', priority: 'NORMAL', dueAt: new Date(Date.now() + 26 * hour).toISOString(), recurrence: { preset: 'WEEKDAYS' } });
        await api.createTask(token, { title: 'Read “The Mythical Man-Month”' });
        await api.createTask(token, { title: 'Buy oat milk' });
        const page = await newPage(browser, { width, height, colorScheme });
        if (density === 'compact') await page.addInitScript(() => localStorage.setItem('todo.density', 'compact'));
        await openSignedIn(page, api, token);
        await row(page, 'Buy oat milk').waitFor();
        const phone = width < 640;
        assert.deepEqual(await seriousViolations(page), []);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing wider than the screen');
        await shot(page, `list-${phone ? 'phone' : 'desktop'}-${colorScheme}-${density}`);
        await page.context().close();
      });
    }
  }
}
