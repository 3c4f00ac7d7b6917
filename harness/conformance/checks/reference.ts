// Requirements on the reference implementation's own defaults and start-up, checked by reading its
// config schema and starting a module: they apply to the reference target only ("n.a." elsewhere).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyBounce, type BounceResult } from '../../../reference-impl/bounce-handler/classify.js';
import { Control, InMail, Mid, Redirection, Stat, Web } from '../../../reference-impl/common/config.js';
import { scoreBounces, type BounceLabel } from '../../checks/bounce-score.js';
import { DIST, ROOT } from '../../paths.js';
import { fail, na, verdict, type CheckFn, type Ctx } from '../types.js';

const referenceOnly = (f: CheckFn): CheckFn => async (ctx: Ctx) => (ctx.target.reference ? f(ctx) : na('checks the reference implementation itself'));
const db = { url: 'postgres://x@localhost/x' };

export const documentedPorts: CheckFn = referenceOnly(async () => {
  const got = {
    'web (8080)': Web.parse({ db, mode: 'on-premise' }).port,
    'mid relay web (8080)': Mid.parse({ db, operators: [{ login: 'mid', password: 'x' }] }).port,
    'stat (7777)': Stat.parse({}).port,
    'inMail SMTP (25)': InMail.parse({ db }).port,
    'redirection HTTP (80)': Redirection.parse({ db }).port,
    'local control (8005)': Control.parse({}).port,
  };
  const wrong = Object.entries(got).filter(([k, v]) => !k.endsWith(`(${v})`));
  return verdict(wrong.length === 0, Object.entries(got).map(([k, v]) => `${k.replace(/ \(\d+\)/, '')} ${v}`).join(', ') + ' by default, each a config field');
});

export const syncDefaults: CheckFn = referenceOnly(async () => {
  const s = Web.parse({ db, mode: 'mid-sourcing' }).sync;
  const ok = s.countersPeriod === '10m' && s.deliveryLogsPeriod === '1h' && s.trackingLogsPeriod === '1h' && s.batchSize === 1000;
  return verdict(ok, `default periods: counters ${s.countersPeriod}, delivery logs ${s.deliveryLogsPeriod}, tracking logs ${s.trackingLogsPeriod}; ${s.batchSize} rows per request`);
});

export const softThresholdDefault: CheckFn = referenceOnly(async () => {
  const t = InMail.parse({ db }).quarantine.softThreshold;
  return verdict(t === 5, `inMail quarantine.softThreshold defaults to ${t} (configurable)`);
});

/** Starts the reference MTA with no stat server in its config: it must refuse to start. */
export const mtaNeedsStatServer: CheckFn = referenceOnly(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'midsim-mta-'));
  try {
    const config = join(dir, 'mta.json');
    writeFileSync(config, JSON.stringify({ instance: 'mid', control: { port: 0 }, mta: { db, hostName: 'mid.example', transportMap: {}, trackingBaseUrl: 'http://localhost/' } }));
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const p = spawn(process.execPath, [join(DIST, 'reference-impl', 'main.js'), 'mta', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      const timer = setTimeout(() => p.kill('SIGKILL'), 15_000);
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, err });
      });
    });
    return verdict(r.code !== 0 && r.code !== null && /statServer/.test(r.err), `MTA without a stat server: exit ${r.code}, "${r.err.trim().split('\n').slice(0, 2).join(' ').slice(0, 160)}"`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The labelled real bounces of ../shared/bounces as a conformance suite of their own. */
export const BOUNCES_DIR = process.env.MIDSIM_BOUNCES_DIR ?? join(ROOT, '..', 'shared', 'bounces');
export const bounceQualification: CheckFn = referenceOnly(async () => {
  if (!existsSync(join(BOUNCES_DIR, 'labels.json'))) return fail(`bounce samples not found in ${BOUNCES_DIR} (set MIDSIM_BOUNCES_DIR)`);
  const labels = JSON.parse(readFileSync(join(BOUNCES_DIR, 'labels.json'), 'utf8')) as Record<string, BounceLabel>;
  const results: Record<string, BounceResult> = {};
  for (const f of readdirSync(join(BOUNCES_DIR, 'samples')).filter((x) => x.endsWith('.eml'))) results[f] = await classifyBounce(readFileSync(join(BOUNCES_DIR, 'samples', f)));
  const s = scoreBounces(labels, results);
  const data = { files: s.files, recipients: s.recipients, accuracy: s.accuracy, bounceAccuracy: s.bounceAccuracy, perReason: s.perReason };
  return verdict(s.recipients > 0 && s.accuracy >= 0.95, `reasonCode accuracy ${(s.accuracy * 100).toFixed(1)}% over ${s.recipients} failed recipients of ${s.files} files (at least 95%); bounce/non-bounce ${(s.bounceAccuracy * 100).toFixed(1)}%`, data);
});
