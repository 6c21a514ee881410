// The web UI's numbers: the shipped wasm and JS gzipped, the time from navigation to the
// painted first page (50 rows) of a list of 200 tasks in headless Chromium, the time from a change made through
// MCP to its showing in an open page, and what one task changed elsewhere costs a page
// showing 200: the time until its row shows it, the page's script time meanwhile
// (Chrome's Performance.getMetrics, which grows with every row rendered again) and the
// rows whose DOM changed. Run by scripts/bench-web.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import {
  Api,
  McpClient,
  launchBrowser,
  newPage,
  openSignedIn,
  uniqueEmail,
  waitForLive,
  webDir,
} from './harness.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
// The list's first page (web/src/pages/tasks/list.rs); more come on scroll.
const FIRST_PAGE = 50;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const max = (values) => Math.max(...values);

const assets = join(webDir, 'assets');
const gz = readdirSync(assets).filter((f) => /\.(wasm|js)\.gz$/.test(f));
const shipped = gz.reduce((sum, f) => sum + statSync(join(assets, f)).size, 0);
const raw = readdirSync(assets).filter((f) => /\.(wasm|js)$/.test(f)).reduce((sum, f) => sum + statSync(join(assets, f)).size, 0);
console.log(`bundle: wasm and JS ${(raw / 1024).toFixed(0)} KiB raw, ${(shipped / 1024).toFixed(0)} KiB gzipped (budget 500 KB)`);

const api = await Api.start();
const browser = await launchBrowser();
try {
  const token = await api.register(uniqueEmail('bench'));
  for (let i = 0; i < 200; i += 20) {
    await Promise.all(Array.from({ length: 20 }, (_, j) => api.createTask(token, {
      title: `Benchmark task ${i + j}`, priority: ['LOW', 'NORMAL', 'HIGH', 'URGENT'][(i + j) % 4],
      dueAt: new Date(Date.now() + (i + j) * 3_600_000).toISOString(),
    })));
  }

  const paints = [];
  const loads = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await newPage(browser);
    // What the load costs on the wire: the list requests, and every GraphQL answer's
    // bytes as sent (compressed when the server compressed it), headers included.
    const load = { listRequests: 0, graphqlBytes: 0, listBytes: 0, pending: [] };
    page.on('requestfinished', (request) => {
      if (!request.url().endsWith('/graphql')) return;
      const list = /\btasks\s*\(/.test(request.postData() ?? '');
      if (list) load.listRequests += 1;
      load.pending.push(request.sizes().then((sizes) => {
        const bytes = sizes.responseBodySize + sizes.responseHeadersSize;
        load.graphqlBytes += bytes;
        if (list) load.listBytes += bytes;
      }));
    });
    await page.addInitScript(() => {
      const observer = new MutationObserver(() => {
        if (window.__painted === undefined && document.querySelectorAll('.task-row:not(.skeleton)').length >= 50) {
          window.__painted = null;
          requestAnimationFrame(() => { window.__painted = performance.now(); });
          observer.disconnect();
        }
      });
      document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { childList: true, subtree: true }));
    });
    await openSignedIn(page, api, token);
    await page.waitForFunction(() => typeof window.__painted === 'number', null, { timeout: 30_000 });
    paints.push(await page.evaluate(() => window.__painted));
    // Whatever the load set off (the live connection's catch-up) has finished by now.
    await waitForLive(page);
    await page.waitForLoadState('networkidle');
    await Promise.all(load.pending);
    loads.push(load);
    await page.context().close();
  }
  console.log(`first page (${FIRST_PAGE} rows) of a list of 200 tasks painted after navigation: median ${median(paints).toFixed(0)} ms, max ${max(paints).toFixed(0)} ms (${RUNS} runs)`);
  console.log(`a load of that list: ${median(loads.map((l) => l.listRequests))} list request(s), `
    + `${(median(loads.map((l) => l.listBytes)) / 1024).toFixed(1)} KiB for them, `
    + `${(median(loads.map((l) => l.graphqlBytes)) / 1024).toFixed(1)} KiB of GraphQL answers in all (medians, ${RUNS} runs)`);

  const writeToken = (await api.gql(token,
    'mutation { createApiToken(name: "bench", scopes: [WRITE]) { token } }')).createApiToken.token;
  const mcp = await McpClient.start(api, writeToken);
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await showRows(page, 200);
  await waitForLive(page);
  await page.evaluate(() => {
    window.__seen = {};
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('.task-title')) {
        if (el.textContent.startsWith('From MCP') && !window.__seen[el.textContent]) window.__seen[el.textContent] = Date.now();
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  const latencies = [];
  for (let run = 0; run < RUNS * 2; run++) {
    const title = `From MCP ${run}`;
    const started = Date.now();
    await mcp.callTool('add_task', { title });
    await page.waitForFunction((t) => window.__seen[t], title, { timeout: 10_000 });
    latencies.push((await page.evaluate((t) => window.__seen[t], title)) - started);
  }
  mcp.close();
  console.log(`MCP add_task to showing in an open page: median ${median(latencies)} ms, max ${max(latencies)} ms (${latencies.length} runs)`);

  const listed = (await api.gql(token, 'query { tasks(first: 200) { edges { node { id title } } } }'))
    .tasks.edges.map((e) => e.node).filter((t) => t.title.startsWith('Benchmark task'));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const scriptMs = async () => (await cdp.send('Performance.getMetrics')).metrics
    .find((m) => m.name === 'ScriptDuration').value * 1000;
  await page.evaluate(() => {
    window.__changed = new Set();
    new MutationObserver((records) => {
      for (const record of records) {
        const node = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentElement;
        const row = node?.closest('.task-row');
        if (row) window.__changed.add(row);
      }
    }).observe(document.querySelector('.task-groups') ?? document.querySelector('.task-list'), { childList: true, subtree: true, characterData: true, attributes: true });
  });
  const changeLatencies = [];
  const scriptTimes = [];
  const rowsChanged = [];
  for (let run = 0; run < RUNS * 2; run++) {
    const task = listed[(run * 37) % listed.length];
    const title = `${task.title} (edit ${run})`;
    await page.evaluate(() => window.__changed.clear());
    const scriptBefore = await scriptMs();
    const started = Date.now();
    await api.gql(token, 'mutation($id: ID!, $title: String!) { updateTask(id: $id, input: { title: $title }) { id } }',
      { id: task.id, title });
    await page.getByRole('link', { name: title, exact: true }).waitFor({ timeout: 10_000 });
    changeLatencies.push(Date.now() - started);
    // Anything the change set off has finished by now.
    await page.waitForTimeout(300);
    scriptTimes.push((await scriptMs()) - scriptBefore);
    rowsChanged.push(await page.evaluate(() => window.__changed.size));
  }
  console.log(`one task of 200 changed through GraphQL to its row showing it: median ${median(changeLatencies)} ms, max ${max(changeLatencies)} ms; `
    + `page script time per change: median ${median(scriptTimes).toFixed(1)} ms, max ${max(scriptTimes).toFixed(1)} ms; `
    + `rows whose DOM changed: max ${max(rowsChanged)} (${changeLatencies.length} runs)`);
} finally {
  await browser.close();
  await api.close();
}

// Scrolls the list until it shows `rows` rows: it loads a page at a time as its end
// comes into view.
async function showRows(page, rows) {
  for (let i = 0; i < 100; i++) {
    if (await page.locator('.task-row:not(.skeleton)').count() >= rows) return;
    await page.evaluate(() => document.getElementById('list-end')?.scrollIntoView());
    await page.waitForTimeout(100);
  }
  throw new Error(`the list never showed ${rows} rows`);
}
