// Settings: reminders, lead time, toasts, time zone; API tokens with the MCP
// configurations, listed and revoked.
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

test('preferences are saved, checked and kept', async () => {
  const token = await api.register(uniqueEmail('prefs'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token, '/settings');
  await page.getByLabel('Lead time (minutes)').fill('3');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#lead-error').getByText('5 to 1440').waitFor();

  await page.getByLabel('Lead time (minutes)').fill('45');
  await page.getByLabel('Remind me before tasks are due').uncheck();
  await page.getByLabel('Show reminders as toasts').uncheck();
  await page.getByLabel('Time zone').fill('America/New_York');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved').waitFor();

  await page.getByLabel('Time zone').fill('Mars/Olympus');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#zone-error').getByText(/time zone/i).waitFor();

  await page.reload();
  await page.getByLabel('Lead time (minutes)').waitFor();
  assert.equal(await page.getByLabel('Lead time (minutes)').inputValue(), '45');
  assert.equal(await page.getByLabel('Time zone').inputValue(), 'America/New_York');
  assert.equal(await page.getByLabel('Remind me before tasks are due').isChecked(), false);
  assert.equal(await page.getByLabel('Show reminders as toasts').isChecked(), false);
  const prefs = (await api.gql(token, '{ preferences { reminderMinutesBefore timeZone toastNotifications remindersEnabled } }')).preferences;
  assert.deepEqual(prefs, { reminderMinutesBefore: 45, timeZone: 'America/New_York', toastNotifications: false, remindersEnabled: false });
  // The zone field is the same searchable list as the task form's.
  await page.getByRole('combobox', { name: 'Time zone' }).fill('Berlin');
  await page.getByRole('option', { name: /Europe\/Berlin/ }).click();
  assert.equal(await page.getByLabel('Time zone').inputValue(), 'Europe/Berlin');
  await page.context().close();
});

test('an API token is shown once with the MCP configurations, listed and revoked', async () => {
  const token = await api.register(uniqueEmail('tokens'));
  const page = await newPage(browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openSignedIn(page, api, token, '/settings');
  await page.getByLabel('Token name').fill('Claude');
  await page.getByLabel('Read', { exact: true }).check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = await page.getByLabel('New token').inputValue();
  assert.match(secret, /^todo_/);
  const configs = await page.locator('pre.config').allTextContents();
  // Claude Code's command, Claude Desktop's stdio configuration, and the HTTP one
  // (agent.test.mjs checks what they say).
  assert.equal(configs.length, 3);
  assert.equal(JSON.parse(configs[1]).mcpServers.todo.env.TODO_API_TOKEN, secret);
  assert.deepEqual(JSON.parse(configs[1]).mcpServers.todo.args, ['stdio']);
  assert.equal(JSON.parse(configs[2]).mcpServers.todo.headers.Authorization, `Bearer ${secret}`);
  await page.getByRole('button', { name: 'Copy token' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);

  // The token works, and only reads.
  await api.gql(secret, '{ tasks { totalCount } }');
  await assert.rejects(api.createTask(secret, { title: 'nope' }), /FORBIDDEN/);

  const item = page.locator('.token-item', { hasText: 'Claude' });
  await item.getByText('Read').waitFor();
  await page.reload();
  assert.equal(await page.getByLabel('New token').count(), 0, 'shown once');
  await page.getByRole('button', { name: 'Revoke “Claude”' }).click();
  await page.getByText('No tokens yet.').waitFor();
  await assert.rejects(api.gql(secret, '{ tasks { totalCount } }'), /UNAUTHENTICATED/);
  await page.context().close();
});
