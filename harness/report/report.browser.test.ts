// The reports in a real browser (Debian's Chromium): a run report and a comparison report open
// from disk with no network, every chart draws data (not an empty frame), no console error, and a
// full-page screenshot is saved under the run's directory.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runComparison } from '../compare/compare.js';
import { Progress } from '../run/progress.js';
import { runScenario } from '../run/run.js';
import { parseScenario } from '../scenario.js';
import { openBrowser, type TestBrowser } from '../testing/browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'midsim-browser-'));
const quiet = () => new Progress(false, { write: () => true } as never);
let browser: TestBrowser;

// MIDSIM_KEEP_TEST_OUTPUT=1 keeps the reports and screenshots to look at.
afterAll(async () => {
  await browser?.close();
  if (process.env.MIDSIM_KEEP_TEST_OUTPUT) console.log(`reports and screenshots kept in ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
});

const scenario = parseScenario({
  name: 'browser',
  timeScale: 60,
  workload: { recipients: 300 },
  sync: { deliveryLogsPeriod: '2m', trackingLogsPeriod: '2m', countersPeriod: '2m' },
  timeline: [{ name: 'mail-a.test defers', at: '0s', for: '3m', mx: 'mail-a.test', fault: { kind: 'tempfail' } }],
});

beforeAll(async () => {
  browser = await openBrowser();
});

/** Every chart on the page, with how much data it draws. */
async function charts(page: Page) {
  return page.$$eval('figure.chart', (figs) =>
    figs.map((f) => ({
      title: f.querySelector('figcaption')?.textContent ?? '',
      lines: [...f.querySelectorAll('path.series')].map((p) => Number(p.getAttribute('data-points')) || 0),
      bars: [...f.querySelectorAll('rect.bar')].filter((r) => Number(r.getAttribute('height')) > 0).length,
      faults: f.querySelectorAll('rect.fault').length,
      box: (f.querySelector('svg') as SVGSVGElement).getBoundingClientRect().height,
    })),
  );
}

async function open(file: string) {
  const { page, errors } = await browser.page();
  const response = await page.goto(pathToFileURL(file).href);
  expect(response?.ok()).toBe(true);
  return { page, errors };
}

async function screenshot(page: Page, file: string) {
  await page.screenshot({ path: file, fullPage: true });
  expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  expect(statSync(file).size).toBeGreaterThan(20_000);
}

describe('reports in Chromium', () => {
  it('a run report: verdict on top, charts with data, fault windows shaded, no console error', async () => {
    const out = join(tmp, 'run');
    const r = await runScenario({ scenario, out, command: 'test', progress: quiet() });
    expect(r.verdict).toBe('pass');
    const { page, errors } = await open(join(out, 'report.html'));
    expect(await page.locator('body > *').first().evaluate((e) => e.tagName)).toBe('H1');
    expect(await page.locator('#verdict').textContent()).toMatch(/^PASS: \d+ of \d+ checks passed/);
    const cs = await charts(page);
    const byTitle = (re: RegExp) => cs.find((c) => re.test(c.title))!;
    expect(byTitle(/^Throughput/).lines[0]).toBeGreaterThan(2);
    expect(Math.min(...byTitle(/^Sync delay over time/).lines)).toBeGreaterThan(1); // p50, p95, max
    expect(byTitle(/^Queue depth/).lines[0]).toBeGreaterThan(2);
    expect(byTitle(/histogram/).bars).toBeGreaterThan(3);
    expect(byTitle(/^Throughput/).faults).toBe(1);
    for (const c of cs) expect(c.box, c.title).toBeGreaterThan(100);
    expect(await page.locator('#checks tr').count()).toBe(r.checks.length + 1);
    expect(await page.locator('#links tr').count()).toBe(r.links.length + 1);
    await screenshot(page, join(out, 'report.png'));
    expect(errors).toEqual([]);
  });

  it('a comparison report: the modes on shared axes, the claims with verdicts, no console error', async () => {
    const out = join(tmp, 'compare');
    const c = await runComparison({ modes: ['on-premise', 'mid-sourcing'], scenario: { ...scenario, workload: { ...scenario.workload, recipients: 150 } }, out, command: 'test', progress: quiet() });
    expect(c.verdict).toBe('pass');
    const { page, errors } = await open(join(out, 'report.html'));
    expect(await page.locator('#verdict').textContent()).toMatch(/^PASS: 2 of 2 runs passed/);
    const cs = await charts(page);
    // One line per mode on the throughput and sync delay charts, one bar per mode on the others.
    for (const ch of cs.filter((x) => x.lines.length)) expect(ch.lines.filter((n) => n > 1), ch.title).toHaveLength(2);
    expect(cs.filter((x) => x.lines.length)).toHaveLength(2);
    expect(cs.find((x) => /left the client/.test(x.title))!.bars).toBe(2);
    expect(await page.locator('#claims tr.claim').count()).toBe(c.claims.length);
    expect(await page.locator('#claims .verdict-confirmed').count()).toBeGreaterThan(0);
    // The link to each mode's own report works from disk.
    await page.click('a[href="mid-sourcing/report.html"]');
    expect(await page.locator('h1').textContent()).toMatch(/mid-sourcing/);
    await page.goBack();
    await screenshot(page, join(out, 'report.png'));
    expect(existsSync(join(out, 'mid-sourcing', 'result.json'))).toBe(true);
    expect(errors).toEqual([]);
  });
});
