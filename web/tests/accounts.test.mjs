// Accounts: sign up, sign in, sign out, a session that survives a reload, and an
// expired session that returns to sign-in and then to where the user was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ZONE, closeApiAndBrowser, newPage, startApiAndBrowser, uniqueEmail } from './harness.mjs';

let api;
let browser;
before(async () => ({ api, browser } = await startApiAndBrowser()));
after(() => closeApiAndBrowser(api, browser));

test('sign up, reload, sign out and sign in again', async () => {
  const page = await newPage(browser);
  const email = uniqueEmail('signup');
  await page.goto(`${api.base}/`);
  await page.waitForURL('**/signin');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'Tasks' }).waitFor();
  // A new account takes the browser's zone.
  const { token } = await page.evaluate(() => JSON.parse(localStorage.getItem('todo.session')));
  assert.equal((await api.gql(token, '{ preferences { timeZone } }')).preferences.timeZone, ZONE);

  await page.reload();
  await page.getByRole('heading', { name: 'Tasks' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');

  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Tasks' }).waitFor();
  await page.context().close();
});

test('an expired session returns to sign-in with a message, then back to the page', async () => {
  const email = uniqueEmail('expired');
  await api.register(email);
  const page = await newPage(browser);
  await page.goto(`${api.base}/signin`);
  // A session the server no longer accepts, as after it expired.
  await page.evaluate(() => localStorage.setItem('todo.session', JSON.stringify({
    token: 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.expired', email: 'x@example.com', display_name: 'X',
  })));
  await page.goto(`${api.base}/activity`);
  await page.getByText('Your session has expired').waitFor();
  assert.equal(new URL(page.url()).pathname, '/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Activity' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/activity');
  await page.context().close();
});

test('sign-up shows the password rule before submitting, and checks it as you type', async () => {
  const page = await newPage(browser);
  await page.goto(`${api.base}/signup`);
  const password = page.getByLabel('Password');
  const hint = page.locator('#password-hint');
  await hint.getByText('At least 8 characters.').waitFor();
  assert.ok((await password.getAttribute('aria-describedby')).split(' ').includes('password-hint'));
  assert.equal(await password.getAttribute('aria-invalid'), 'false');
  await password.fill('short');
  await hint.getByText('At least 8 characters: 3 more to go.').waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  // Sent as it is, it is stopped here with the same rule, in words.
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByLabel('Email').fill(uniqueEmail('short'));
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.locator('#password-error').getByText('Use at least 8 characters for the password.').waitFor();
  await password.fill('long enough now');
  await hint.getByText('At least 8 characters: long enough.').waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'false');
  await page.context().close();
});
