// Agents connect by URL (issue 31): the official MCP SDKs' own OAuth clients (Python's
// and TypeScript's) register with the API and print their authorization URL, and a
// person in a real browser signs in and presses Allow or Deny on the consent page; the
// SDK then calls tools through `todo-mcp http` as that person, and the person sees the
// agent in settings and its changes, by name, in the activity.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';

import {
  bin,
  closeApiAndBrowser,
  freePort,
  newPage,
  root,
  seriousViolations,
  shot,
  startApiAndBrowser,
  uniqueEmail,
} from './harness.mjs';

const AGENT_DIR = join(root, 'web', 'tests', 'agent');
const PASSWORD = 'correct horse battery';
const CLIENT_NAME = 'Test agent (Python SDK)';
const TS_CLIENT_NAME = 'Test agent (TypeScript SDK)';

let api;
let browser;
let mcp;
let mcpUrl;
let python;

/** A virtualenv with the pinned SDK, made once and remade when the pins change. */
function pythonWithSdk() {
  const venv = join(root, 'target', 'agent-venv');
  const requirements = readFileSync(join(AGENT_DIR, 'requirements.txt'), 'utf8');
  const stamp = join(venv, '.requirements');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== requirements) {
    for (const [command, args] of [
      ['python3', ['-m', 'venv', venv]],
      [join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', join(AGENT_DIR, 'requirements.txt')]],
    ]) {
      const made = spawnSync(command, args, { stdio: 'inherit' });
      assert.equal(made.status, 0, `${command} ${args.join(' ')} failed`);
    }
    writeFileSync(stamp, requirements);
  }
  return join(venv, 'bin', 'python');
}

before(async () => {
  python = pythonWithSdk();
  const port = await freePort();
  mcpUrl = `http://127.0.0.1:${port}/mcp`;
  ({ api, browser } = await startApiAndBrowser({ env: { TODO_MCP_PUBLIC_URL: mcpUrl } }));
  mcp = spawn(join(bin, 'todo-mcp'), ['http', '--listen', `127.0.0.1:${port}`], {
    env: { PATH: process.env.PATH, TODO_API_URL: api.base, RUST_LOG: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('todo-mcp http did not start');
});

after(async () => {
  mcp?.kill('SIGTERM');
  await closeApiAndBrowser(api, browser);
});

/** Starts an SDK's client (the Python one, or with `typescript` the TypeScript one):
 * the authorization URL it asks the browser to open, and how it ended (exit status and
 * its `RESULT` or `DENIED` line). */
function startAgent(title, { typescript = false } = {}) {
  const [command, script] = typescript
    ? [process.execPath, 'oauth_agent.mjs']
    : [python, 'oauth_agent.py'];
  const child = spawn(command, [join(AGENT_DIR, script), '--mcp-url', mcpUrl, '--title', title], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  let authorizeUrl;
  const asked = new Promise((done) => { authorizeUrl = done; });
  const said = [];
  lines.on('line', (line) => {
    if (line.startsWith('AUTHORIZE ')) authorizeUrl(line.slice('AUTHORIZE '.length));
    else said.push(line);
  });
  const ended = new Promise((done) => child.on('exit', (status) => done({ status, said })));
  return {
    authorizeUrl: Promise.race([asked, ended.then(({ status }) => {
      throw new Error(`the agent exited (${status}) before asking to authorize`);
    })]),
    ended,
  };
}

/** The browser opens the agent's URL, which leads to sign-in and then the consent page. */
async function signInToConsent(page, url, email, clientName = CLIENT_NAME) {
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Connect “${clientName}”?` }).waitFor();
}

/** What the agent printed as its `RESULT`, after it ended well. */
async function resultOf(agent) {
  const { status, said } = await agent.ended;
  assert.equal(status, 0, said.join('\n'));
  return JSON.parse(said.find((line) => line.startsWith('RESULT ')).slice('RESULT '.length));
}

/** The agent added the task it was asked to, listed it, and holds a refreshable token. */
function assertActed(result, title) {
  assert.ok(result.tools.includes('add_task'), result.tools.join(', '));
  assert.equal(result.added_is_error, false, JSON.stringify(result.added));
  assert.equal(result.added.title, title);
  assert.equal(result.listed_is_error, false);
  assert.ok(result.listed.tasks.some((task) => task.title === title), JSON.stringify(result.listed));
  assert.ok(result.access_token_prefix.startsWith('agent_'), result.access_token_prefix);
  assert.equal(result.scope, 'tasks:read tasks:write');
  assert.equal(result.has_refresh_token, true);
}

test('an agent connects by URL: sign in, Allow, and its tool calls act for the person (desktop, light)', async () => {
  const email = uniqueEmail('oauth');
  const session = await api.register(email);
  const agent = startAgent('Water the plants');
  const page = await newPage(browser, { width: 1280, colorScheme: 'light' });
  await signInToConsent(page, await agent.authorizeUrl, email);

  // What the person is asked: who, for what, and where the answer goes.
  await page.getByText('See your tasks, projects and labels').waitFor();
  await page.getByText('Add, change, complete and delete tasks').waitFor();
  await page.getByText('Access: read and write.').waitFor();
  const host = await page.locator('.consent-host strong').textContent();
  assert.match(host, /^127\.0\.0\.1:\d+$/);
  assert.deepEqual(await seriousViolations(page), []);
  await shot(page, 'agent-consent-desktop-light');

  await page.getByRole('button', { name: 'Allow' }).click();
  await page.getByText('You can close this tab').waitFor();
  assertActed(await resultOf(agent), 'Water the plants');

  // The task is the person's.
  const mine = await api.gql(session, '{ tasks { edges { node { title } } } }');
  assert.deepEqual(mine.tasks.edges.map((edge) => edge.node.title), ['Water the plants']);

  // The activity names the agent.
  await page.goto(`${api.base}/activity`);
  await page.getByText(`by ${CLIENT_NAME} (an AI agent, MCP) for you`).first().waitFor();

  // Settings list it, and Disconnect ends its access.
  await page.goto(`${api.base}/settings`);
  const agents = page.getByRole('list', { name: 'Connected agents' });
  await agents.getByText(CLIENT_NAME).waitFor();
  await agents.getByText('Read and write').waitFor();
  await agents.scrollIntoViewIfNeeded();
  await shot(page, 'connected-agents-desktop-light', { fullPage: false });
  await page.getByRole('button', { name: `Disconnect “${CLIENT_NAME}”` }).click();
  await page.getByText('No agents connected.').waitFor();
  const grants = await api.gql(session, '{ me { agentGrants { id } } }');
  assert.deepEqual(grants.me.agentGrants, []);
  await page.context().close();
});

test('the TypeScript SDK\'s OAuth client connects the same way (desktop, dark)', async () => {
  const email = uniqueEmail('oauth-ts');
  const session = await api.register(email);
  const agent = startAgent('Feed the cat', { typescript: true });
  const page = await newPage(browser, { width: 1280, colorScheme: 'dark' });
  await signInToConsent(page, await agent.authorizeUrl, email, TS_CLIENT_NAME);
  assert.deepEqual(await seriousViolations(page), []);
  await shot(page, 'agent-consent-desktop-dark');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.getByText('You can close this tab').waitFor();
  assertActed(await resultOf(agent), 'Feed the cat');
  const data = await api.gql(session, '{ me { agentGrants { clientName scopes } } }');
  assert.deepEqual(data.me.agentGrants, [{ clientName: TS_CLIENT_NAME, scopes: ['READ', 'WRITE'] }]);
  await page.context().close();
});

test('Deny sends the agent back with access_denied and nothing granted (phone, dark)', async () => {
  const email = uniqueEmail('oauth-deny');
  const session = await api.register(email);
  const agent = startAgent('Never written');
  const page = await newPage(browser, { width: 360, colorScheme: 'dark' });
  await signInToConsent(page, await agent.authorizeUrl, email);
  assert.deepEqual(await seriousViolations(page), []);
  await shot(page, 'agent-consent-phone-dark');
  await page.getByRole('button', { name: 'Deny' }).click();
  const { status, said } = await agent.ended;
  assert.equal(status, 3, said.join('\n'));
  assert.ok(said.includes('DENIED access_denied'), said.join('\n'));
  const data = await api.gql(session, '{ me { agentGrants { id } } tasks { totalCount } }');
  assert.deepEqual(data.me.agentGrants, []);
  assert.equal(data.tasks.totalCount, 0);
  await page.context().close();
});

test('a request from an unknown client gets a page that says so, and goes nowhere (phone, light)', async () => {
  const page = await newPage(browser, { width: 360, colorScheme: 'light' });
  const response = await page.goto(`${api.base}/oauth/authorize?response_type=code&client_id=00000000-0000-7000-8000-000000000000&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&state=s`);
  assert.equal(response.status(), 400);
  assert.equal(new URL(page.url()).host, new URL(api.base).host);
  await page.getByRole('heading', { name: 'This agent cannot connect' }).waitFor();
  await shot(page, 'agent-refused-phone-light');
  await page.context().close();
});
