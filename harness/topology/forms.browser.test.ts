// Web forms stay on the client platform (mid-sourcing): a person fills the marketing instance's
// subscription form in Chromium; the row lands in the marketing database, while the mid-sourcing
// server has no such page and none of the typed values reach it (its database, or the bytes of the
// link from the instance to it).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { capturePath } from '../faults/capture.js';
import { topologyOptions } from '../run/run.js';
import { processRuntime } from '../runtime/process.js';
import type { RunningTopology } from '../runtime/types.js';
import { parseScenario } from '../scenario.js';
import { openBrowser } from '../testing/browser.js';
import { MODES } from './modes.js';

const runDir = mkdtempSync(join(tmpdir(), 'midsim-forms-'));
let running: RunningTopology | null = null;
afterAll(async () => {
  await running?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

async function rows(url: string, sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

it('the subscription form is served and stored at the client site only', async () => {
  const topology = MODES['mid-sourcing'](topologyOptions(parseScenario({ name: 'forms' })));
  running = await processRuntime.start(topology, { runDir });
  const web = running.endpoint('app-server', 'web');
  const mid = running.endpoint('mid-relay', 'web');
  const values = { email: `form-${process.pid}@reader.example`, firstName: `Zelda${process.pid}`, lastName: `Formfill${process.pid}`, city: `Villeform${process.pid}` };

  const browser = await openBrowser();
  try {
    const { page, errors } = await browser.page();
    await page.goto(`http://${web.host}:${web.port}/forms/subscribe`);
    await page.getByLabel('Email').fill(values.email);
    await page.getByLabel('First name').fill(values.firstName);
    await page.getByLabel('Last name').fill(values.lastName);
    await page.getByLabel('City').fill(values.city);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForSelector('#message');
    expect(await page.locator('#message').textContent()).toContain(`Thank you, ${values.email} is subscribed.`);
    expect(errors).toEqual([]);
    // The mid-sourcing server has no such page.
    const atMid = await page.goto(`http://${mid.host}:${mid.port}/forms/subscribe`);
    expect(atMid?.status()).toBe(404);
  } finally {
    await browser.close();
  }

  const marketing = await rows(running.databaseUrl('marketing-db', 'marketing'), `select email, first_name, last_name, city, source from recipient where email = $1`, [values.email]);
  expect(marketing).toEqual([{ email: values.email, first_name: values.firstName, last_name: values.lastName, city: values.city, source: 'form' }]);

  // No table of the mid's database holds any of the values.
  const midUrl = running.databaseUrl('mid-db', 'mid');
  const tables = (await rows(midUrl, `select tablename from pg_tables where schemaname = 'public'`)).map((r) => r.tablename as string);
  expect(tables.length).toBeGreaterThan(3);
  for (const t of tables) {
    const hits = await rows(midUrl, `select count(*)::int as n from "${t}" x where x::text like any($1)`, [Object.values(values).map((v) => `%${v}%`)]);
    expect(hits[0].n, t).toBe(0);
  }

  // Nor the bytes of the link to the mid: the sync workflows used it meanwhile (it is not empty).
  await new Promise((r) => setTimeout(r, 2500)); // one sync period (2 s) at least
  await running.stop();
  running = null;
  const capture = capturePath(join(runDir, 'capture'), 'instance->mid:soap', 'upstream');
  expect(existsSync(capture)).toBe(true);
  const sent = readFileSync(capture, 'latin1');
  expect(sent).toContain('GetDeliveryLogs');
  for (const v of Object.values(values)) expect(sent).not.toContain(v);
});
