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
