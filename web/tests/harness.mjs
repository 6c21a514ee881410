// Shared by the browser tests: a real todo-api (SQLite, a fresh data directory, the
// built bundle) on a free port, Debian's chromium through playwright-core, and small
// helpers that talk to the API the way other clients do.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

export const root = resolve(new URL('../..', import.meta.url).pathname);
// Where cargo built todo-api: a shared CARGO_TARGET_DIR (relative to the repository,
// as cargo reads it) or the repository's own target/.
export const bin = process.env.TODO_BIN_DIR
  ?? join(resolve(root, process.env.CARGO_TARGET_DIR ?? 'target'), 'debug');
export const webDir = process.env.TODO_WEB_DIR ?? join(root, 'web', 'dist');
export const screenshots = join(root, 'target', 'ui');
export const SECRET = 'browser-tests-secret-that-is-long-enough';
/** The browsers' time zone in every test. */
export const ZONE = 'Europe/Berlin';

export const freePort = () => new Promise((done, fail) => {
  const server = createServer();
  server.unref();
  server.on('error', fail);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => done(port));
  });
});

/** A todo-api process; `restart()` keeps its port and data. `env` adds settings
 * (e.g. `TODO_SESSION_TTL_SECONDS`). */
export class Api {
  static async start({ env = {} } = {}) {
    const api = new Api(await freePort(), mkdtempSync(join(tmpdir(), 'todo-ui-')), env);
    await api.launch();
    return api;
  }

  constructor(port, dataDir, env = {}) {
    this.port = port;
    this.dataDir = dataDir;
    this.env = env;
    this.base = `http://127.0.0.1:${port}`;
  }

  async launch() {
    this.child = spawn(join(bin, 'todo-api'), ['serve'], {
      env: {
        PATH: process.env.PATH,
        TODO_LISTEN: `127.0.0.1:${this.port}`,
        TODO_DATA_DIR: this.dataDir,
        TODO_WEB_DIR: webDir,
        TODO_JWT_SECRET: SECRET,
        // Links in reminders and the OAuth issuer name this server, as it is reached.
        TODO_PUBLIC_URL: this.base,
        RUST_LOG: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`${this.base}/readyz`)).ok) return;
      } catch { /* not up yet */ }
      await sleep(100);
    }
    throw new Error('todo-api did not become ready');
  }

  async stop() {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    await exited;
  }

  async restart() {
    await this.stop();
    await this.launch();
  }

  async close() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async gql(token, query, variables = {}) {
    const response = await fetch(`${this.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  /** A new account in the browsers' zone (as signing up in the UI sets it); returns its
   * session token. */
  async register(email, name = 'Ada Lovelace') {
    const data = await this.gql(null,
      'mutation($input: RegisterInput!) { register(input: $input) { token } }',
      { input: { email, password: 'correct horse battery', displayName: name } });
    const token = data.register.token;
    await this.gql(token, `mutation { updatePreferences(input: { timeZone: "${ZONE}" }) { timeZone } }`);
    return token;
  }

  async createTask(token, input) {
    const data = await this.gql(token,
      'mutation($input: CreateTaskInput!) { createTask(input: $input) { id title dueAt } }', { input });
    return data.createTask;
  }
}

let counter = 0;
/** An email no other test uses. */
export const uniqueEmail = (what) => `${what}-${Date.now()}-${counter++}@example.com`;

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The API server and the browser a test file shares: started before its first test. */
export async function startApiAndBrowser(options) {
  const api = await Api.start(options);
  return { api, browser: await launchBrowser() };
}

/** Closes what `startApiAndBrowser` started; either may be missing if start-up failed. */
export async function closeApiAndBrowser(api, browser) {
  await browser?.close();
  await api?.close();
}

/** A page in a fresh context, in a fixed locale and zone so dates read the same. */
export async function newPage(browser, { width = 1280, height = 800, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    colorScheme,
    locale: 'en-GB',
    timezoneId: ZONE,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  return page;
}

/** Opens `path` already signed in as the holder of `token`. */
export async function openSignedIn(page, api, token, path = '/') {
  await page.goto(`${api.base}/signin`);
  await page.evaluate((session) => localStorage.setItem('todo.session', JSON.stringify(session)),
    { token, email: 'ada@example.com', display_name: 'Ada Lovelace' });
  await page.goto(`${api.base}${path}`);
}

/** Waits until the page's live connection has subscribed, so that what the server
 * pushes from here on reaches it. */
export async function waitForLive(page) {
  await page.locator('[data-live=connected]').waitFor({ state: 'attached' });
}

export function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(screenshots, { recursive: true });
  return page.screenshot({ path: join(screenshots, `${name}.png`), fullPage });
}

const axeSource = readFileSync(join(root, 'web', 'tests', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page as it is now. */
export async function seriousViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

/** Speaks MCP over stdio to `todo-mcp stdio`, as Claude Desktop would. */
export class McpClient {
  static async start(api, token) {
    const client = new McpClient(spawn(join(bin, 'todo-mcp'), ['stdio'], {
      env: { PATH: process.env.PATH, TODO_API_URL: api.base, TODO_API_TOKEN: token, RUST_LOG: 'warn' },
      stdio: ['pipe', 'pipe', 'inherit'],
    }));
    await client.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'browser-tests', version: '1' },
    });
    client.notify('notifications/initialized');
    return client;
  }

  constructor(child) {
    this.child = child;
    this.next = 1;
    this.waiting = new Map();
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (!line.trim()) continue;
        const message = JSON.parse(line);
        this.waiting.get(message.id)?.(message);
        this.waiting.delete(message.id);
      }
    });
  }

  request(method, params) {
    const id = this.next++;
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${method} timed out`)), 10_000);
      this.waiting.set(id, (message) => {
        clearTimeout(timer);
        if (message.error) fail(new Error(JSON.stringify(message.error)));
        else done(message.result);
      });
    });
  }

  notify(method, params = {}) {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
  }

  async callTool(name, args) {
    const result = await this.request('tools/call', { name, arguments: args });
    if (result.isError) throw new Error(JSON.stringify(result.content));
    return result;
  }

  close() {
    this.child.kill();
  }
}
