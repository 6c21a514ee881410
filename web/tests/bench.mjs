// The web UI's numbers: the shipped wasm and JS gzipped, the time from navigation to a
// painted list of 200 tasks in headless Chromium, and the time from a change made
// through MCP to its showing in an open page. Run by scripts/bench-web.
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
  for (let run = 0; run < RUNS; run++) {
    const page = await newPage(browser);
    await page.addInitScript(() => {
      const observer = new MutationObserver(() => {
        if (window.__painted === undefined && document.querySelectorAll('.task-row:not(.skeleton)').length >= 200) {
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
    await page.context().close();
  }
  console.log(`list of 200 tasks painted after navigation: median ${median(paints).toFixed(0)} ms, max ${max(paints).toFixed(0)} ms (${RUNS} runs)`);

  const writeToken = (await api.gql(token,
    'mutation { createApiToken(name: "bench", scopes: [WRITE]) { token } }')).createApiToken.token;
  const mcp = await McpClient.start(api, writeToken);
  const page = await newPage(browser);
  await openSignedIn(page, api, token);
  await page.waitForFunction(() => document.querySelectorAll('.task-row:not(.skeleton)').length >= 200);
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
} finally {
  await browser.close();
  await api.close();
}
