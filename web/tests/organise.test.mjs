// Organise and share (issue 28): the sidebar with projects and labels, a project's
// view, labels as chips with a picker and a filter, subtasks with their progress, and
// sharing a project between two signed-in people, live. Screenshots of each view in
// both themes and both sizes land in target/ui/, and axe-core checks every one.
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

const rows = (page) => page.getByRole('region', { name: 'Tasks' }).getByRole('listitem');
const sidebar = (page) => page.getByRole('navigation', { name: 'Projects' });

const createProject = async (token, name, color = '#299438') => (await api.gql(token,
  'mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }',
  { input: { name, color } })).createProject.id;

test('the sidebar lists the Inbox and projects; a new project holds its own tasks', async () => {
  const token = await api.register(uniqueEmail('projects'));
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.getByText('Nothing to do').waitFor();
  await sidebar(page).getByRole('link', { name: /^Inbox/ }).waitFor();

  await page.getByRole('button', { name: 'New project' }).click();
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await dialog.getByLabel('Name').fill('Groceries');
  await dialog.getByLabel('Color').selectOption({ label: 'Green' });
  await dialog.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('heading', { name: 'Groceries', level: 1 }).waitFor();
  assert.match(page.url(), /[?&]project=/);

  await page.getByLabel('Add a task').fill('Buy apples');
  await page.getByLabel('Add a task').press('Enter');
  await rows(page).filter({ hasText: 'Buy apples' }).waitFor();
  // The name, then ", 1 open task" from a visually hidden span (Chromium may join
  // the two with a space).
  await sidebar(page).getByRole('link', { name: /^Groceries ?, 1 open task$/ }).waitFor();

  // The Inbox does not hold it; the whole list does, naming its project.
  await sidebar(page).getByRole('link', { name: /^Inbox/ }).click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  await page.getByText('Nothing to do').waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  const apples = rows(page).filter({ hasText: 'Buy apples' });
  await apples.getByText('Groceries').waitFor();

  // Deleting asks first, and says that the tasks go too.
  await sidebar(page).getByRole('link', { name: /^Groceries/ }).click();
  await page.getByRole('button', { name: 'Project settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Project settings' });
  await settings.getByRole('button', { name: 'Delete project', exact: true }).click();
  await settings.getByText(/tasks go too/).waitFor();
  await settings.getByRole('button', { name: 'Delete project and its tasks' }).click();
  await page.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor();
  await sidebar(page).getByRole('link', { name: /^Groceries/ }).waitFor({ state: 'detached' });
  await page.getByText('Nothing to do').waitFor();
  await page.context().close();
});

test('projects keep their order, and archiving takes one out of the sidebar', async () => {
  const token = await api.register(uniqueEmail('order'));
  await createProject(token, 'Home');
  await createProject(token, 'Work');
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  const names = () => sidebar(page).locator('.sidebar-name').allInnerTexts();
  await sidebar(page).getByRole('link', { name: /^Work/ }).waitFor();
  assert.deepEqual(await names(), ['Inbox', 'Home', 'Work']);

  await sidebar(page).getByRole('link', { name: /^Work/ }).click();
  await page.getByRole('button', { name: 'Project settings' }).click();
  await page.getByRole('dialog', { name: 'Project settings' }).getByRole('button', { name: 'Move up' }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('#sidebar nav:first-of-type .sidebar-name')]
    .map((a) => a.innerText).join(',') === 'Inbox,Work,Home');
  await page.getByRole('dialog', { name: 'Project settings' }).getByRole('button', { name: 'Archive project' }).click();
  // It leaves the projects for a folded list of archived ones, open while it is shown.
  const listed = '#sidebar nav:first-of-type > ul.sidebar-list .sidebar-name';
  await page.waitForFunction((selector) => [...document.querySelectorAll(selector)]
    .map((a) => a.innerText).join(',') === 'Inbox,Home', listed);
  const archived = page.locator('#sidebar details.sidebar-archived');
  await archived.getByText('Archived (1)').waitFor();
  await sidebar(page).getByRole('link', { name: /^Work/ }).waitFor();
  await page.getByText('This project is archived').waitFor();
  await shot(page, 'sidebar-archived');
  await sidebar(page).getByRole('link', { name: /^Inbox/ }).click();
  await sidebar(page).getByRole('link', { name: /^Work/ }).waitFor({ state: 'hidden' });

  // Unfolded, it opens the project again, whose settings restore it.
  await archived.getByText('Archived (1)').click();
  await sidebar(page).getByRole('link', { name: /^Work/ }).click();
  await page.getByRole('heading', { name: 'Work', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Project settings' }).click();
  await page.getByRole('dialog', { name: 'Project settings' }).getByRole('button', { name: 'Unarchive project' }).click();
  await archived.waitFor({ state: 'detached' });
  await page.getByText('This project is archived').waitFor({ state: 'detached' });
  await page.waitForFunction((selector) => [...document.querySelectorAll(selector)]
    .map((a) => a.innerText).join(',') === 'Inbox,Work,Home', listed);
  await page.context().close();
});

test('labels: chips in rows and on the task page, a picker that creates, a filter', async () => {
  const token = await api.register(uniqueEmail('labels'));
  await api.createTask(token, { title: 'Pay rent' });
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await rows(page).filter({ hasText: 'Pay rent' }).waitFor();

  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Title').fill('Water the plants');
  await dialog.getByLabel('Labels', { exact: true }).fill('home');
  await dialog.getByLabel('Labels', { exact: true }).press('Enter');
  await dialog.getByRole('list', { name: 'Chosen labels' }).getByText('home').waitFor();
  // Picking an existing one (any case) does not make another.
  await dialog.getByLabel('Labels', { exact: true }).fill('HOME');
  await dialog.getByRole('button', { name: 'Add label' }).click();
  assert.equal(await dialog.getByRole('list', { name: 'Chosen labels' }).getByRole('listitem').count(), 1);
  await dialog.getByLabel('Labels', { exact: true }).fill('garden');
  await dialog.getByLabel('Labels', { exact: true }).press('Enter');
  await dialog.getByRole('button', { name: 'Remove label “garden”' }).click();
  await dialog.getByRole('button', { name: 'Add task' }).click();
  await dialog.waitFor({ state: 'detached' });

  const plants = rows(page).filter({ hasText: 'Water the plants' });
  await plants.getByText('Label: home').waitFor();

  // The label's own view: from the sidebar, kept in the address.
  await page.getByRole('navigation', { name: 'Labels' }).getByRole('link', { name: 'home' }).click();
  await page.getByRole('heading', { name: 'Label: home' }).waitFor();
  assert.match(page.url(), /[?&]label=/);
  await page.getByText('1 task', { exact: true }).waitFor();
  assert.equal(await rows(page).filter({ hasText: 'Pay rent' }).count(), 0);
  await page.reload();
  await page.getByText('1 task', { exact: true }).waitFor();

  await plants.getByRole('link', { name: 'Water the plants' }).click();
  await page.locator('.detail-card').getByText('Label: home').first().waitFor();
  await page.context().close();
});

test('subtasks: add, complete, reorder, and the progress in the row', async () => {
  const token = await api.register(uniqueEmail('subtasks'));
  const task = await api.createTask(token, { title: 'Plan the trip' });
  const page = await newPage(browser);
  await openSignedIn(page, api, token, `/tasks/${task.id}`);
  await page.getByRole('heading', { name: 'Subtasks' }).waitFor();
  for (const step of ['Book flights', 'Pack', 'Renew passport']) {
    await page.getByLabel('New subtask').fill(step);
    await page.getByRole('button', { name: 'Add subtask' }).click();
    await page.getByRole('link', { name: step }).waitFor();
  }
  await page.getByRole('checkbox', { name: 'Complete “Book flights”' }).click();
  await page.getByText('1 of 3 subtasks done').waitFor();

  await page.getByRole('button', { name: 'Move “Renew passport” up' }).click();
  const order = () => page.locator('.subtask .task-title').allInnerTexts();
  await page.waitForFunction(() => [...document.querySelectorAll('.subtask .task-title')]
    .map((a) => a.innerText).join(',') === 'Book flights,Renew passport,Pack');
  await page.reload();
  await page.locator('.subtask').nth(2).waitFor();
  assert.deepEqual(await order(), ['Book flights', 'Renew passport', 'Pack']);

  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Tasks' }).click();
  const row = rows(page).filter({ hasText: 'Plan the trip' });
  await row.getByText('1/3').waitFor();
  // Subtasks are not rows of their own.
  assert.equal(await rows(page).filter({ hasText: 'Pack' }).count(), 0);
  await page.context().close();
});

test('sharing: the owner invites, the invitee accepts in the notification center and sees changes live', async () => {
  const ownerEmail = uniqueEmail('owner');
  const guestEmail = uniqueEmail('guest');
  const ownerToken = await api.register(ownerEmail, 'Olivia Owner');
  const guestToken = await api.register(guestEmail, 'Gus Guest');
  const projectId = await createProject(ownerToken, 'Household');
  await api.createTask(ownerToken, { title: 'Fix the tap', projectId });

  const owner = await newPage(browser);
  const guest = await newPage(browser);
  await openSignedIn(owner, api, ownerToken, `/?project=${projectId}`);
  await openSignedIn(guest, api, guestToken);
  await rows(owner).filter({ hasText: 'Fix the tap' }).waitFor();
  await waitForLive(guest);

  await owner.getByRole('button', { name: 'Share' }).click();
  const share = owner.getByRole('dialog', { name: 'Share “Household”' });
  await share.getByLabel('Email').fill(guestEmail);
  await share.getByLabel('Role').selectOption('editor');
  await share.getByRole('button', { name: 'Invite' }).click();
  await share.getByRole('button', { name: `Cancel the invitation for ${guestEmail}` }).waitFor();

  await guest.getByRole('button', { name: /Notifications/ }).click();
  const center = guest.getByRole('dialog', { name: 'Notifications' });
  await center.getByText('Olivia Owner shared “Household” with you').waitFor();
  await center.getByRole('button', { name: 'Accept “Household”' }).click();
  await guest.getByRole('heading', { name: 'Household', level: 1 }).waitFor();
  await rows(guest).filter({ hasText: 'Fix the tap' }).waitFor();
  await sidebar(guest).getByRole('link', { name: /^Household ?, shared/ }).waitFor();

  // A change by the owner reaches the member without a reload.
  await waitForLive(guest);
  await owner.getByLabel('Add a task').fill('Buy bin bags');
  await owner.getByLabel('Add a task').press('Enter');
  await rows(guest).filter({ hasText: 'Buy bin bags' }).waitFor();

  // The owner sees the member and can assign a task to them.
  await share.getByRole('button', { name: 'Close' }).click();
  await owner.getByRole('button', { name: 'Share' }).click();
  await share.getByRole('combobox', { name: 'Role for Gus Guest' }).waitFor();
  await share.getByRole('button', { name: 'Close' }).click();
  await owner.getByRole('button', { name: 'Edit “Fix the tap”' }).click();
  const form = owner.getByRole('dialog', { name: 'Edit task' });
  await form.getByLabel('Assignee').selectOption({ label: 'Gus Guest' });
  await form.getByRole('button', { name: 'Save' }).click();
  await rows(guest).filter({ hasText: 'Fix the tap' }).getByText('Gus Guest').waitFor();

  // Removal ends access: the project leaves the member's sidebar.
  await owner.getByRole('button', { name: 'Share' }).click();
  await share.getByRole('button', { name: 'Remove Gus Guest' }).click();
  await share.getByRole('combobox', { name: 'Role for Gus Guest' }).waitFor({ state: 'detached' });
  await guest.reload();
  await sidebar(guest).getByRole('link', { name: /^Inbox/ }).waitFor();
  assert.equal(await sidebar(guest).getByRole('link', { name: /^Household/ }).count(), 0);
  await owner.context().close();
  await guest.context().close();
});

test('each new view at 360x740 and 1280x800, light and dark: axe-clean, nothing too wide', async () => {
  const token = await api.register(uniqueEmail('organise-shots'), 'Olivia Owner');
  const guestEmail = uniqueEmail('organise-guest');
  await api.register(guestEmail, 'Gus Guest');
  const projectId = await createProject(token, 'Household chores and repairs', '#884dff');
  await createProject(token, 'Work', '#db4035');
  const label = (await api.gql(token, 'mutation { createLabel(input: { name: "errand", color: "#14aaf5" }) { id } }')).createLabel.id;
  const parent = await api.createTask(token, { title: 'Clear out the garage', projectId, labelIds: [label], dueAt: new Date(Date.now() + 86_400_000).toISOString() });
  for (const title of ['Sort the boxes', 'Call the tip']) {
    await api.createTask(token, { title, parentId: parent.id });
  }
  await api.createTask(token, { title: 'Fix the tap', projectId, priority: 'HIGH' });
  await api.gql(token, 'mutation($p: ID!, $e: String!) { shareProject(projectId: $p, email: $e, role: VIEWER) { id } }',
    { p: projectId, e: guestEmail });

  const views = [
    { name: 'project', ready: (p) => rows(p).filter({ hasText: 'Clear out the garage' }).getByText('0/2') },
    { name: 'share-dialog', dialog: true, ready: async (p) => {
      await rows(p).first().waitFor();
      await p.getByRole('button', { name: 'Share' }).click();
      return p.getByRole('dialog', { name: /^Share/ }).getByText(guestEmail);
    } },
    { name: 'project-settings', dialog: true, ready: async (p) => {
      await rows(p).first().waitFor();
      await p.getByRole('button', { name: 'Project settings' }).click();
      return p.getByRole('dialog', { name: 'Project settings' }).getByRole('button', { name: 'Archive project' });
    } },
    { name: 'task-form-labels', dialog: true, ready: async (p) => {
      await rows(p).first().waitFor();
      await p.getByRole('button', { name: 'Edit “Clear out the garage”' }).click();
      return p.getByRole('dialog', { name: 'Edit task' }).getByRole('list', { name: 'Chosen labels' });
    } },
    { name: 'subtasks', path: `/tasks/${parent.id}`, ready: (p) => p.getByRole('link', { name: 'Call the tip' }) },
  ];
  const failures = [];
  for (const [width, height] of [[360, 740], [1280, 800]]) {
    for (const colorScheme of ['light', 'dark']) {
      const phone = width < 768;
      for (const view of [...views, ...(phone ? [{ name: 'drawer', dialog: true, ready: async (p) => {
        await rows(p).first().waitFor();
        await p.getByRole('button', { name: 'Projects and labels' }).click();
        return sidebar(p).getByRole('link', { name: /^Work/ });
      } }] : [])]) {
        const page = await newPage(browser, { width, height, colorScheme });
        await openSignedIn(page, api, token, view.path ?? `/?project=${projectId}`);
        await (await view.ready(page)).waitFor();
        await page.addStyleTag({ content: '.toasts { display: none !important; }' });
        await shot(page, `organise-${view.name}-${width}x${height}-${colorScheme}`, { fullPage: !view.dialog });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) failures.push(`${view.name} ${width}: ${overflow}px wider than the viewport`);
        for (const violation of await seriousViolations(page)) failures.push(`${view.name} ${width} ${colorScheme}: ${violation}`);
        await page.context().close();
      }
    }
  }
  assert.deepEqual(failures, []);
});
