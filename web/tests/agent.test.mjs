// The agent page tells the truth: the MCP server's public URL as the API is configured
// with it, the todo-mcp binary beside the API's own, and which client takes which form.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  bin,
  closeApiAndBrowser,
  newPage,
  openSignedIn,
  seriousViolations,
  shot,
  startApiAndBrowser,
  uniqueEmail,
} from './harness.mjs';

const MCP_URL = 'https://mcp.todo.example/mcp';

let api;
let browser;
before(async () => ({ api, browser } = await startApiAndBrowser({ env: { TODO_MCP_PUBLIC_URL: MCP_URL } })));
after(() => closeApiAndBrowser(api, browser));

for (const [size, width, colorScheme] of [['desktop', 1280, 'light'], ['phone', 360, 'dark']]) {
  test(`a new token's configurations use the configured MCP URL and binary (${size}, ${colorScheme})`, async () => {
    const token = await api.register(uniqueEmail('agent'));
    const page = await newPage(browser, { width, colorScheme });
    await openSignedIn(page, api, token, '/settings');
    await page.getByLabel('Token name').fill('Claude');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('New token').inputValue();

    await page.getByRole('heading', { name: 'Claude Code' }).waitFor();
    const [command, desktop, http] = await page.locator('pre.config').allTextContents();
    assert.equal(command,
      `claude mcp add --transport http todo ${MCP_URL} --header "Authorization: Bearer ${secret}"`);
    assert.deepEqual(JSON.parse(desktop), {
      mcpServers: { todo: {
        command: join(bin, 'todo-mcp'),
        args: ['stdio'],
        env: { TODO_API_URL: api.base, TODO_API_TOKEN: secret },
      } },
    });
    assert.deepEqual(JSON.parse(http), {
      mcpServers: { todo: { type: 'http', url: MCP_URL, headers: { Authorization: `Bearer ${secret}` } } },
    });
    await page.getByRole('heading', { name: 'Claude Desktop' }).waitFor();
    await page.getByRole('heading', { name: 'Other clients (HTTP)' }).waitFor();
    await page.getByText('installed').waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await shot(page, `agent-config-${size}-${colorScheme}`);
    await page.context().close();
  });
}
