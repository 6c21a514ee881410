// Every page at 360x740 and 1280x800, light and dark: axe-core finds no serious or
// critical violation, and a screenshot of each lands in target/ui/.
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
} from './harness.mjs';

let api;
let browser;
let token;
let emptyToken;
let taskId;
before(async () => {
  ({ api, browser } = await startApiAndBrowser());
  token = await api.register(uniqueEmail('pages'));
  emptyToken = await api.register(uniqueEmail('pages-empty'));
  const hour = 3_600_000;
  const task = await api.createTask(token, {
    title: 'Pay rent', description: 'Standing order, check the amount.', priority: 'HIGH', category: 'Home',
    dueAt: '2027-01-31T09:00:00+01:00', timeZone: 'Europe/Berlin', recurrence: { preset: 'MONTHLY' },
  });
  taskId = task.id;
  await api.gql(token, 'mutation($id: ID!) { updateTask(id: $id, input: { priority: URGENT }) { id } }', { id: taskId });
  await api.createTask(token, { title: 'File the tax return', priority: 'URGENT', category: 'Admin', dueAt: new Date(Date.now() - 5 * hour).toISOString() });
  await api.createTask(token, { title: 'Call the plumber about the kitchen sink', dueAt: new Date(Date.now() + 10 * 60_000).toISOString(), remindBeforeMinutes: 5 });
  await api.createTask(token, { title: 'Stand-up', priority: 'NORMAL', dueAt: '2027-02-01T09:30:00+01:00', recurrence: { preset: 'WEEKDAYS' } });
  await api.createTask(token, { title: 'Read “The Mythical Man-Month”', priority: 'LOW' });
  await api.createTask(token, { title: 'Reminder soon', dueAt: new Date(Date.now() + 1_000).toISOString(), remindBeforeMinutes: 0 });
});
after(() => closeApiAndBrowser(api, browser));

const pages = [
  { name: 'signin', path: '/signin', signedIn: false, ready: (p) => p.getByRole('heading', { name: 'Sign in' }) },
  { name: 'signup', path: '/signup', signedIn: false, ready: (p) => p.getByRole('heading', { name: 'Create your account' }) },
  { name: 'tasks', path: '/', ready: (p) => p.locator('.task-row', { hasText: 'Pay rent' }) },
  { name: 'tasks-empty', path: '/', empty: true, ready: (p) => p.getByText('Nothing to do') },
  { name: 'task-form', path: '/', dialog: true, ready: async (p) => {
    await p.locator('.task-row', { hasText: 'Pay rent' }).waitFor();
    await p.getByRole('button', { name: 'Edit “Pay rent”' }).click();
    return p.getByRole('dialog', { name: 'Edit task' }).getByText('Monthly on the 31st');
  } },
  { name: 'task-form-custom', path: '/', dialog: true, ready: async (p) => {
    await p.locator('.task-row', { hasText: 'Pay rent' }).waitFor();
    await p.getByRole('button', { name: 'New task' }).click();
    const dialog = p.getByRole('dialog', { name: 'New task' });
    await dialog.getByLabel('Title').fill('Swim');
    await dialog.getByLabel('Due date').fill('2027-02-01');
    await dialog.getByLabel('Repeat', { exact: true }).selectOption('custom');
    await dialog.getByRole('checkbox', { name: 'Wed' }).check();
    await dialog.getByRole('list', { name: 'Next dates' }).getByRole('listitem').nth(1).waitFor();
    // The zone list open too, to see it and have axe check it.
    await dialog.getByRole('combobox', { name: 'Time zone' }).click();
    return dialog.getByRole('listbox', { name: 'Suggested zones' }).getByRole('option').first();
  } },
  { name: 'task-detail', path: () => `/tasks/${taskId}`, ready: (p) => p.locator('.history-entry', { hasText: 'Updated' }) },
  { name: 'activity', path: '/activity', ready: (p) => p.locator('.history-entry').first() },
  { name: 'settings', path: '/settings', ready: (p) => p.getByLabel('Lead time (minutes)') },
  { name: 'notifications', path: '/', dialog: true, ready: async (p) => {
    await p.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
    await p.getByRole('button', { name: /Notifications/ }).click();
    return p.getByRole('dialog', { name: 'Notifications' }).getByText('Task due soon: Reminder soon');
  } },
];

for (const [width, height] of [[360, 740], [1280, 800]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`every page at ${width}x${height} in the ${colorScheme} theme`, async () => {
      const failures = [];
      for (const spec of pages) {
        const page = await newPage(browser, { width, height, colorScheme });
        const path = typeof spec.path === 'function' ? spec.path() : spec.path;
        if (spec.signedIn === false) await page.goto(`${api.base}${path}`);
        else await openSignedIn(page, api, spec.empty ? emptyToken : token, path);
        await (await spec.ready(page)).waitFor();
        // Toasts come and go; the page is judged without them (hidden, not removed: the
        // app owns those nodes).
        await page.addStyleTag({ content: '.toasts { display: none !important; }' });
        // A dialog is fixed to the viewport: the viewport is what a person sees.
        await shot(page, `${spec.name}-${width}x${height}-${colorScheme}`, { fullPage: !spec.dialog });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) failures.push(`${spec.name}: ${overflow}px wider than the viewport`);
        for (const violation of await seriousViolations(page)) failures.push(`${spec.name}: ${violation}`);
        await page.context().close();
      }
      assert.deepEqual(failures, []);
    });
  }
}
