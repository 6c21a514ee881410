// Live everywhere: changes from another client, another tab and an AI agent over MCP
// show in an open page without a reload; after a server restart the page reconnects
// and catches up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  McpClient,
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

const apiToken = async (token, scope) => (await api.gql(token,
  'mutation($scopes: [TokenScope!]!) { createApiToken(name: "agent", scopes: $scopes) { token } }',
  { scopes: [scope] })).createApiToken.token;

test('a task from GraphQL, from MCP and from another tab appears without a reload', async () => {
  const token = await api.register(uniqueEmail('live'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();
  await waitForLive(page);

  await api.createTask(await apiToken(token, 'WRITE'), { title: 'Made by a script' });
  await page.locator('.task-row', { hasText: 'Made by a script' }).waitFor();

  const mcp = await McpClient.start(api, await apiToken(token, 'WRITE'));
  try {
    await mcp.callTool('add_task', { title: 'Made by an agent' });
  } finally {
    mcp.close();
  }
  await page.locator('.task-row', { hasText: 'Made by an agent' }).waitFor();

  const other = await page.context().newPage();
  await other.goto(`${api.base}/`);
  await other.getByRole('checkbox', { name: 'Complete “Made by a script”' }).click();
  await page.locator('.task-row', { hasText: 'Made by a script' }).waitFor({ state: 'detached' });
  assert.equal(await page.locator('.task-row').count(), 1);
  await page.context().close();
});

test('after a server restart the page reconnects and catches up', async () => {
  const token = await api.register(uniqueEmail('restart'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();
  await waitForLive(page);

  // A reminder falls due while the server is down; it goes out on restart.
  const due = Date.now() + 2_000;
  await api.createTask(token, { title: 'While away', dueAt: new Date(due).toISOString(), remindBeforeMinutes: 0 });
  await api.stop();
  await page.getByText('Reconnecting…').waitFor();
  // Stay down until the reminder is due, so it can only arrive after the restart.
  await new Promise((done) => setTimeout(done, Math.max(0, due - Date.now()) + 200));
  await api.launch();
  await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
  await page.locator('.task-row', { hasText: 'While away' }).waitFor();
  await page.context().close();
});
