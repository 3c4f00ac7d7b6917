// The main job end to end on the process runtime: real modules, real PostgreSQL, real SMTP and
// HTTP. Counts are exact: the simulated Internet's answers are a pure function of the seed, and
// expectedTotals computes the same function independently of the run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseScenario, type ScenarioInput } from '../scenario.js';
import { runDirs } from '../testing/runs.js';
import { expectedTotals } from '../workload/model.js';
import { Progress } from './progress.js';
import { runScenario } from './run.js';

const runDir = runDirs('run');

async function run(input: Partial<ScenarioInput>, hooks: Parameters<typeof runScenario>[0]['beforeSnapshot'] = undefined) {
  // A stuck run returns (did not settle, and why) before the test's own timeout.
  const scenario = parseScenario({ name: 'test', quiesceTimeout: '100s', ...input });
  const out = runDir();
  const result = await runScenario({ scenario, out, command: 'test', progress: new Progress(false, { write: () => true } as never), beforeSnapshot: hooks });
  return { scenario, result, out };
}

const statusOf = (r: { checks: { id: string; status: string }[] }) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));

describe.each(['mid-sourcing', 'on-premise'] as const)('a 1,000-recipient campaign, %s mode', (mode) => {
  it('delivers, synchronises and accounts for every recipient exactly', async () => {
    const { scenario, result, out } = await run({ mode, workload: { recipients: 1000 } });
    const e = expectedTotals(scenario.seed, 1000, scenario.workload.domains, scenario.workload.recipientBehaviour);
    expect(result.quiesce.ok).toBe(true);
    expect(result.checks.every((c) => c.status === 'pass'), JSON.stringify(result.checks, null, 1)).toBe(true);
    expect(result.verdict).toBe('pass');
    const m = result.metrics;
    expect(m.recipients).toBe(1000);
    expect(m.delivered).toBe(e.delivered);
    expect(m.failed.hard).toBe(e.rejected.userUnknown + e.bounced.userUnknown);
    expect(m.failed.soft).toBe(e.rejected.mailboxFull + e.rejected.refused + e.bounced.mailboxFull);
    expect(m.bounces).toBe(e.bounced.total);
    expect(m.opens).toBe(e.opens);
    expect(m.clicks).toBe(e.clicks);
    expect(m.lost).toBe(0);
    expect(m.duplicates).toBe(0);
    expect(m.syncDelayMs.count).toBe(1000);
    expect(m.throughput.messagesPerSecond).toBeGreaterThan(0);
    // The files a user reads.
    for (const f of ['result.json', 'history.ndjson', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toMatchObject({ scenario: 'test', mode, runtime: 'process', verdict: 'pass' });
    if (mode === 'mid-sourcing') {
      expect(m.links['instance->mid:soap'].bytesUp).toBeGreaterThan(0);
      // The marketing instance's uplink carries less than the SMTP traffic it stands for.
      expect(m.bandwidth.ratio).toBeLessThan(1);
    } else {
      expect(Object.keys(m.links).some((l) => l.startsWith('instance->mid'))).toBe(false);
    }
  });
});

describe('checks fail on purpose against the real modules', () => {
  it('template-fields-only catches a marketing instance that sends every column to the mid', async () => {
    const { result } = await run({ workload: { recipients: 100 }, misconfig: { allFieldsToMid: true } });
    expect(statusOf(result)['template-fields-only']).toBe('fail');
    expect(result.checks.find((c) => c.id === 'template-fields-only')!.detail).toMatch(/CANARY-/);
    expect(result.verdict).toBe('fail');
  });

  it('no-smtp-from-marketing and no-duplicates catch an MTA left running on the marketing instance', async () => {
    // Both MTAs send: the run never settles (two redirectors, doubled tracking), so do not wait long.
    const { result } = await run({ workload: { recipients: 100 }, misconfig: { marketingMta: true }, quiesceTimeout: '20s' });
    const s = statusOf(result);
    expect(s['no-smtp-from-marketing']).toBe('fail');
    expect(s['no-duplicates']).toBe('fail');
  });

  it('final-status and nothing-lost catch a seeded loss; no-duplicates a seeded second copy', async () => {
    const { result } = await run({ workload: { recipients: 100 } }, async (running) => {
      // Seeded loss: the marketing instance forgets one message.
      const c = new pg.Client(running.databaseUrl('marketing-db', 'marketing'));
      await c.connect();
      await c.query(`delete from broadlog where id = (select min(id) from broadlog where status = 'sent')`);
      await c.end();
      // Seeded duplicate: a second copy of r1's message reaches its MX.
      const [, domain] = (await firstSentEmail(running.databaseUrl('mid-db', 'mid'))).split('@');
      const mx = running.links[`mta->internet:${domain}`].listen;
      const smtp = new SMTPConnection({ host: mx.host, port: mx.port, ignoreTLS: true, name: 'mid.provider.example' });
      await new Promise<void>((res, rej) => smtp.connect((err) => (err ? rej(err) : res())));
      const to = await firstSentEmail(running.databaseUrl('mid-db', 'mid'));
      await new Promise<void>((res, rej) => smtp.send({ from: 'bounce@mid.provider.example', to: [to] }, 'Subject: again\r\n\r\nhi\r\n', (err) => (err ? rej(err) : res())));
      smtp.quit();
      await new Promise((r) => setTimeout(r, 500)); // the Internet's event reaches the history
    });
    const s = statusOf(result);
    expect(s['final-status']).toBe('fail');
    expect(s['nothing-lost']).toBe('fail');
    expect(s['no-duplicates']).toBe('fail');
  });
});

async function firstSentEmail(url: string): Promise<string> {
  const c = new pg.Client(url);
  await c.connect();
  const r = await c.query(`select email from broadlog where status = 'sent' order by id limit 1`);
  await c.end();
  return r.rows[0].email;
}
