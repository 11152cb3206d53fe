// The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core
// (which downloads no browser). One launch checks the page served over HTTP by the test's
// server (which calls the backupDashboard function) and the file `report --html` wrote,
// opened as file://. Called by DashboardIT with one argument: a JSON file of what to open
// and what to expect. Prints one JSON line with what it saw; exits 1 on any failed check,
// 2 when Chromium or playwright-core is missing (never a skip).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const CHROMIUM = '/usr/bin/chromium';
const started = Date.now();
const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

if (!fs.existsSync(CHROMIUM)) {
  console.error(`dashboard.mjs: ${CHROMIUM} is missing: run bin/setup (it installs Debian's chromium)`);
  process.exit(2);
}
let chromium;
try {
  const require = createRequire(path.join(spec.projectDir, 'package.json'));
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.error(`dashboard.mjs: playwright-core is missing (${e.message}): run bin/setup (npm ci)`);
  process.exit(2);
}

const failures = [];
const seen = { requests: [], console: [], pages: {} };
const check = (ok, what) => { if (!ok) failures.push(what); };
const loopback = (url) => {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'file:' || u.protocol === 'about:') return true;
  return ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
};

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'shiftsync-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-default-apps', '--disable-sync',
    '--disable-extensions', '--metrics-recording-only', '--no-default-browser-check'],
  viewport: { width: 1180, height: 900 },
  deviceScaleFactor: 1,
  timezoneId: 'UTC',
  locale: 'en-GB',
});
try {
  // every request any page makes is seen here; anything beyond loopback is refused and fails the test
  await context.route('**/*', (route) => {
    const url = route.request().url();
    seen.requests.push(url);
    if (loopback(url)) return route.continue();
    failures.push(`request outside loopback: ${url}`);
    return route.abort('blockedbyclient');
  });
  context.on('request', (r) => { if (!loopback(r.url())) failures.push(`request outside loopback: ${r.url()}`); });

  for (const target of spec.pages) {
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => {
      seen.console.push(`${target.name} ${m.type()}: ${m.text()}`);
      if (m.type() === 'error') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    const response = await page.goto(target.url, { waitUntil: 'load' });
    if (target.url.startsWith('http')) {
      check(response && response.status() === 200, `${target.name}: HTTP ${response && response.status()}`);
      const csp = response && response.headers()['content-security-policy'];
      check(csp && csp.includes("default-src 'none'") && csp.includes("frame-ancestors 'none'"),
        `${target.name}: Content-Security-Policy header ${csp}`);
    }
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    const got = await page.evaluate(() => {
      const charts = {};
      document.querySelectorAll('section[data-chart]').forEach((s) => {
        const canvas = s.querySelector('.plot canvas');
        charts[s.dataset.chart] = {
          points: Number(s.dataset.points),
          rows: s.querySelectorAll('details table tbody tr:not(.empty)').length,
          canvas: canvas ? canvas.width * canvas.height : 0,
          failedRows: [...s.querySelectorAll('details table tbody tr.result-failed')].map((r) => r.textContent),
        };
      });
      const tiers = {};
      document.querySelectorAll('#tiers article[data-tier]').forEach((a) => {
        tiers[a.dataset.tier] = { light: a.dataset.light, text: a.textContent };
      });
      const alerts = [...document.querySelectorAll('#banner li[data-code]')].map((li) => ({
        code: li.dataset.code, text: li.textContent, visible: li.getBoundingClientRect().height > 0,
      }));
      const backups = [...document.querySelectorAll('#backups-table tbody tr')].map((r) => ({
        id: r.cells[0] && r.cells[0].textContent, test: r.cells[6] && r.cells[6].textContent,
        failed: r.classList.contains('result-failed'),
      }));
      return {
        charts, tiers, alerts, backups,
        healthy: document.getElementById('banner').dataset.healthy,
        title: document.title,
        bytes: document.documentElement.outerHTML.length,
      };
    });
    seen.pages[target.name] = got;
    const e = spec.expect;
    for (const [name, n] of Object.entries(e.points)) {
      const c = got.charts[name];
      check(c, `${target.name}: no chart ${name}`);
      if (!c) continue;
      check(c.points === n, `${target.name}: chart ${name} has ${c.points} points, expected ${n} (one per item)`);
      check(c.rows === n, `${target.name}: chart ${name}'s table has ${c.rows} rows, expected ${n}`);
      check(c.canvas > 0, `${target.name}: chart ${name} drew no canvas`);
    }
    check(got.tiers.daily && got.tiers.daily.light === 'red',
      `${target.name}: the daily tier is ${got.tiers.daily && got.tiers.daily.light}, expected red after a missing night`);
    check(got.tiers.weekly && got.tiers.weekly.light === 'green', `${target.name}: the weekly tier is not green`);
    check(got.healthy === 'false', `${target.name}: the banner says healthy`);
    for (const code of e.alerts) {
      const a = got.alerts.find((x) => x.code === code);
      check(a && a.visible && a.text.includes(code), `${target.name}: alert ${code} is not in the banner`);
    }
    const failedTest = got.charts.tests && got.charts.tests.failedRows.find((t) => t.includes(e.failedTest));
    check(failedTest && failedTest.includes('failed'), `${target.name}: the failed restore test of ${e.failedTest} is not shown as failed`);
    const row = got.backups.find((b) => b.id === e.failedTest);
    check(row && row.failed && row.test.startsWith('failed'), `${target.name}: backup ${e.failedTest} is not marked as failing its restore test`);
    check(errors.length === 0, `${target.name}: the browser console has errors: ${errors.join(' | ')}`);

    await page.screenshot({ path: target.screenshot, fullPage: true });
    if (target.readmeShot) {
      // README's picture (docs/dashboard.png, through pngquant): the banner, the tiers, the size chart, the
      // restore tests and the recovery times, with the duration and row-total charts folded away
      await page.evaluate(() => { ['#chart-duration', '#chart-rows'].forEach((s) => { document.querySelector(s).hidden = true; }); });
      await page.screenshot({ path: target.readmeShot, clip: { x: 0, y: 0, width: 1180, height: 1720 }, fullPage: true });
    }
    await page.close();
  }
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
for (const url of seen.requests) {
  check(loopback(url), `request outside loopback: ${url}`);
}
console.log(JSON.stringify({ failures, durationMs: Date.now() - started, requests: seen.requests, pages: seen.pages }));
process.exit(failures.length === 0 ? 0 : 1);
