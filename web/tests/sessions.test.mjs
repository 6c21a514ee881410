// Sessions that last: an open page renews its short-lived session token and keeps
// working (requests and the live socket) past the first one's expiry; when renewing
// fails, it returns to sign-in and what was being typed is back after signing in.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import {
  closeApiAndBrowser,
  newPage,
  shot,
  startApiAndBrowser,
  uniqueEmail,
  waitForLive,
} from './harness.mjs';

const PASSWORD = 'correct horse battery';

let api;
let browser;
// Session tokens for three seconds (the server accepts them a few seconds longer).
before(async () => ({ api, browser } = await startApiAndBrowser({ env: { TODO_SESSION_TTL_SECONDS: '3' } })));
after(() => closeApiAndBrowser(api, browser));

const stored = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('todo.session')));

/** Resolves once the server refuses `token`: it has expired for good. */
async function refused(token) {
  for (;;) {
    try {
      await api.gql(token, '{ me { id } }');
    } catch (error) {
      assert.match(String(error), /UNAUTHENTICATED|invalid or expired/);
      return;
    }
    await sleep(200);
  }
}

async function signIn(page, email) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Tasks' }).waitFor();
}

test('an open page keeps working after its session token expired, until its session is revoked', async () => {
  const email = uniqueEmail('session');
  const token = await api.register(email);
  const agent = (await api.gql(token,
    'mutation { createApiToken(name: "test", scopes: [WRITE]) { token } }')).createApiToken.token;
  const page = await newPage(browser);
  await page.goto(`${api.base}/signin`);
  await signIn(page, email);
  await waitForLive(page);
  const first = await stored(page);
  assert.ok(first.refresh_token);

  await refused(first.token);
  // An action after the first token's end: no trip to sign-in.
  await page.getByLabel('Add a task').fill('Written after expiry');
  await page.getByLabel('Add a task').press('Enter');
  await page.getByRole('link', { name: 'Written after expiry' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  const found = await api.gql(agent, '{ tasks(filter: { search: "Written after expiry" }) { totalCount } }');
  assert.equal(found.tasks.totalCount, 1);
  const renewed = await stored(page);
  assert.notEqual(renewed.token, first.token);
  assert.notEqual(renewed.refresh_token, first.refresh_token);
  // And the live connection, back with a renewed token, delivers what others change.
  await waitForLive(page);
  await api.createTask(agent, { title: 'Pushed after expiry' });
  await page.getByRole('link', { name: 'Pushed after expiry' }).waitFor();

  // Typing in progress, then the session is revoked (as signing out elsewhere does).
  await page.getByLabel('Add a task').fill('Unsent idea');
  const current = await stored(page);
  try {
    await api.gql(null, 'mutation($r: String!) { signOut(refreshToken: $r) }', { r: current.refresh_token });
  } catch (error) {
    // The page renewed in between: the old token's reuse revoked the session just the same.
    assert.match(String(error), /used already/);
  }
  await page.getByText('Your session has expired').waitFor();
  assert.equal(new URL(page.url()).pathname, '/signin');
  await shot(page, 'session-expired-signin');
  await signIn(page, email);
  assert.equal(await page.getByLabel('Add a task').inputValue(), 'Unsent idea');
  await page.context().close();
});
