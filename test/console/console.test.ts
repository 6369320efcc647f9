import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { repoRoot, startCli, waitForPing } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { httpStream } from '../dev/fixture.js';
import { greetPlugin, writeConsoleFixture } from './fixture.js';

/** Polls in the page until the text of `selector` matches `re`. */
async function untilText(page: Page, selector: string, re: RegExp): Promise<void> {
  // A string, evaluated in the page (this file is compiled without the DOM's types).
  const check = `new RegExp(${JSON.stringify(re.source)}).test(document.querySelector(${JSON.stringify(selector)})?.textContent ?? '')`;
  await page.waitForFunction(check, undefined, WAIT);
}

/**
 * Screenshots of each panel. `npm run docs:console` writes them to docs/console/ (the README's);
 * a plain test run keeps the tree clean and writes them to a temp dir (named in the test's output).
 */
const SHOTS = process.env['HOTPLUG_CONSOLE_SHOTS'] ? resolve(repoRoot, process.env['HOTPLUG_CONSOLE_SHOTS']) : join(tmpdir(), 'hotplug-console-screenshots');
const WAIT = { timeout: 60_000 };

function saveAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp-save`, text);
  renameSync(`${file}.tmp-save`, file);
}

async function tab(page: Page, name: string): Promise<void> {
  await page.click(`nav a[href="#${name}"]`);
  await page.locator(`section[data-panel="${name}"]`).waitFor({ state: 'visible', ...WAIT });
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Sends the route selected in the Routes panel with `body` and returns what the page shows of the answer. */
async function tryIt(page: Page, route: string, body: string): Promise<{ status: string; body: string }> {
  await tab(page, 'routes');
  await page.click(`.route[data-path="${route}"]`);
  await page.fill('form.try textarea[name=body]', body);
  await page.fill('form.try textarea[name=headers]', 'Content-Type: text/plain\nX-Try: console');
  await page.click('form.try button[type=submit]');
  await page.locator('[data-testid=try-body]').waitFor(WAIT);
  return { status: (await page.textContent('[data-testid=try-status]')) ?? '', body: (await page.textContent('[data-testid=try-body]')) ?? '' };
}

test('the dev console in a real Chromium: routes and plugins, try it, a failure in red, a reload, charts, the playground', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-console-'));
  writeConsoleFixture(dir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dev = startCli(['dev', dir, '--port', String(port)]);
  const chrome = await launchChromium();
  t.after(async () => {
    await chrome.close();
    await dev.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  await waitForPing(base);
  await waitFor(() => /console: http:\/\/127\.0\.0\.1:\d+\/_hotplug\//.test(dev.stderr()), { timeoutMs: 60_000, what: 'the console URL in the dev banner' });

  const page = await chrome.browser.newPage({ viewport: { width: 1280, height: 760 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // GET / redirects to the console (no route claims /).
  await page.goto(`${base}/`);
  assert.equal(new URL(page.url()).pathname, '/_hotplug/');
  await page.locator('[data-testid=conn].live').waitFor(WAIT);

  // Routes: each route → its stream → its components, the plugin marked as one.
  await page.locator('.route[data-path="/greet"]').waitFor(WAIT);
  assert.match((await page.textContent('.route[data-path="/greet"]')) ?? '', /POST\s*\/greet\s*→\s*greet\s*http_server\s*greet\s*sync_response/);
  assert.equal(await page.textContent('.route[data-path="/greet"] .component.plugin'), 'greet');
  assert.match((await page.textContent('.route[data-path="/shout"]')) ?? '', /mapping/);

  // Try it: the plugin's answer, status and time.
  const first = await tryIt(page, '/greet', 'hello');
  assert.deepEqual(first, { status: '200', body: 'v1:hello' });
  assert.match((await page.textContent('.try-result')) ?? '', /\d+\.\d ms/);
  await shot(page, 'routes');

  // A failing request: in red in Requests, with the plugin's error and stack.
  const failed = await tryIt(page, '/greet', 'boom');
  assert.equal(failed.status, '500');
  await tab(page, 'requests');
  const red = page.locator('tr.fail.detail', { hasText: 'boom: the plugin refused this body' });
  await red.first().waitFor(WAIT);
  assert.match((await red.first().textContent()) ?? '', /stack.*Error: boom.*at check/s);
  const failRow = page.locator('tr.fail:not(.detail)').first();
  assert.match((await failRow.textContent()) ?? '', /POST\/greet\/greet500/);
  assert.equal(await page.evaluate("getComputedStyle(document.querySelector('tr.fail:not(.detail) td')).color"), 'rgb(198, 40, 40)', 'the failed request is red');
  assert.match((await page.textContent('table.requests')) ?? '', /\/greet\/greet200/);
  // Filter by status: failures only.
  await page.selectOption('select[name=status]', 'failed');
  assert.equal(await page.locator('table.requests tbody tr:not(.detail)').count(), 1);
  await page.selectOption('select[name=status]', 'all');
  await shot(page, 'requests');

  // Plugins: the process with its pid, generation, state and memory.
  await tab(page, 'plugins');
  const plugin = page.locator('tr[data-plugin=greet]');
  await plugin.waitFor(WAIT);
  await untilText(page, 'tr[data-plugin=greet]', /ready.*MiB/);
  assert.match((await plugin.textContent()) ?? '', /greetprocessorready\d+1\d+/);
  await page.click('section[data-panel=plugins] tr.detail summary');
  await untilText(page, 'section[data-panel=plugins] tr.detail pre', /greet v1 listening/);
  await shot(page, 'plugins');

  // Saving the plugin adds a reload to the timeline; the next try gets the new code.
  saveAtomically(join(dir, 'greet', 'main.ts'), greetPlugin('v2'));
  await tab(page, 'reloads');
  await page.locator('li.reload', { hasText: 'plugin greet code' }).waitFor(WAIT);
  assert.match((await page.textContent('li.reload')) ?? '', /\d+ ms.*plugin greet code.*greet\/main\.ts/s);
  assert.deepEqual(await tryIt(page, '/greet', 'hello'), { status: '200', body: 'v2:hello' });

  // A broken pipeline file shows with file:line:col until it is fixed.
  writeFileSync(join(dir, 'shout.yaml'), httpStream('/shout', '    - mappin: root = "x"'));
  await tab(page, 'reloads');
  const broken = page.locator('[data-testid=broken]');
  await broken.waitFor(WAIT);
  assert.match((await broken.textContent()) ?? '', /shout\.yaml:7:7.*mappin/s);
  await shot(page, 'reloads');
  writeFileSync(join(dir, 'shout.yaml'), httpStream('/shout', '    - mapping: root = content().string().uppercase()'));
  await page.locator('text=Nothing broken.').waitFor(WAIT);

  // Under a steady load (20 requests/s over a few seconds) the Requests panel redraws at most once a
  // second, each time in one go, and draws at most 100 rows.
  await tab(page, 'requests');
  await page.evaluate(`window.draws = []; new MutationObserver(() => window.draws.push(performance.now())).observe(document.querySelector('table.requests'), { childList: true, subtree: true })`);
  const load = setInterval(() => void fetch(`${base}/shout`, { method: 'POST', body: 'n' }).then((r) => r.text(), () => ''), 50);
  t.after(() => clearInterval(load));
  await untilText(page, 'nav', /Requests \((1[2-9][0-9]|[2-9][0-9]{2})/);
  clearInterval(load);
  await untilText(page, '[data-testid=requests-count]', /^100 shown/);
  const draws = (await page.evaluate('window.draws')) as number[];
  assert.ok(draws.length >= 3, `the Requests panel kept drawing under load (${draws.length} redraws)`);
  const gaps = draws.slice(1).map((at, i) => at - draws[i]!);
  assert.ok(Math.min(...gaps) > 800, `at most one redraw a second under load; gaps were ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`);
  assert.equal(await page.locator('table.requests tbody').count(), 100);

  // Charts: requests/s and latency, from that load.
  await tab(page, 'charts');
  await untilText(page, '.charts', /requests\/s max [1-9]/);
  assert.equal(await page.locator('.chart svg polyline').count(), 4);
  await shot(page, 'charts');

  // Playground: a message through a mapping, and a mapping error with its line and column.
  await tab(page, 'playground');
  await page.fill('textarea[name=input]', '{"user": {"name": "ada"}, "items": [1, 2, 3]}');
  await page.fill('textarea[name=mapping]', 'root.who = this.user.name.capitalize()\nroot.total = this.items.sum()\nmeta checked = "yes"');
  await untilText(page, '[data-testid=pg-output]', /"who": "Ada"/);
  const out = (await page.textContent('[data-testid=pg-output]')) ?? '';
  assert.match(out, /"total": 6/);
  assert.match(out, /"checked": "yes"/);
  await shot(page, 'playground');
  await page.fill('textarea[name=mapping]', 'root.who = this.user.name.capitalize(\n');
  await untilText(page, '[data-testid=pg-output]', /does not parse \(line \d+, column \d+\)/);

  assert.deepEqual(pageErrors, []);
  t.diagnostic(`screenshots of every panel in ${SHOTS}`);
});
