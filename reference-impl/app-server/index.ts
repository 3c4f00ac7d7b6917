// The marketing instance (web module, port 8080): recipients, deliveries, web forms, and in
// mid-sourcing mode the SOAP client to the mid and the sync workflows. Its MTA and inMail are
// not started in mid-sourcing mode: this module opens no SMTP connection, ever.
import { createServer } from 'node:http';
import { section } from '../common/config.js';
import { startControl } from '../common/control.js';
import { createPool, ensureSchema, waitForDatabase } from '../common/db.js';
import { parseDuration, TimeScale } from '../common/duration.js';
import { closeServer, listen } from '../common/http.js';
import type { ModuleStart } from '../common/module.js';
import { handleApi } from './api.js';
import { NotFound, prepareDelivery } from './deliveries.js';
import { MidClient } from './mid-client.js';
import { syncCounters, syncDeliveryLogs, syncTrackingLogs, Workflow, type SyncContext } from './sync.js';
import { transmitDelivery } from './transmit.js';

export const start: ModuleStart = async (config, log) => {
  const web = section(config, 'web');
  const time = new TimeScale(config.timeScale);
  const pool = createPool(web.db.url, web.db.poolSize);
  await waitForDatabase(pool);
  await ensureSchema(pool, 'marketing');

  // One mid-sourcing server, or several (alternating routing: parts go to each in turn).
  const accounts = web.mids ?? (web.mid ? [web.mid] : []);
  const mids: MidClient[] = [];
  const workflows = new Map<string, Workflow>();
  const transmissions = new Set<Promise<void>>();
  if (web.mode === 'mid-sourcing') {
    if (!accounts.length) throw new Error('config: web.mid (or web.mids) is required in mid-sourcing mode (soapUrl, login, password)');
    for (const m of accounts) {
      mids.push(
        new MidClient({
          soapUrl: m.soapUrl,
          login: m.login,
          password: m.password,
          timeoutMs: parseDuration(m.timeout), // a network timeout is not a schedule: not scaled
          retryDelaysMs: m.retryDelays.map((d) => time.wall(d)),
          log,
        }),
      );
    }
    // Each mid has its own change streams, hence its own cursors (suffixed from the second on).
    const ctxs: SyncContext[] = mids.map((mid, i) => ({ pool, mid, instance: config.instance, batchSize: web.sync.batchSize, softThreshold: web.quarantine.softThreshold, log, cursorSuffix: i ? `@${i + 1}` : '' }));
    const everyMid = (f: (c: SyncContext) => Promise<number>) => async () => {
      const r = await Promise.allSettled(ctxs.map(f));
      const failed = r.find((x) => x.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      return r.reduce((n, x) => n + (x as PromiseFulfilledResult<number>).value, 0);
    };
    workflows.set('deliveryLogs', new Workflow('deliveryLogs', time.wall(web.sync.deliveryLogsPeriod), everyMid(syncDeliveryLogs), log));
    workflows.set('trackingLogs', new Workflow('trackingLogs', time.wall(web.sync.trackingLogsPeriod), everyMid(syncTrackingLogs), log));
    workflows.set('counters', new Workflow('counters', time.wall(web.sync.countersPeriod), () => syncCounters(ctxs), log));
    for (const w of workflows.values()) w.start();
  }
  const mid = mids[0] ?? null;

  const transmit = (deliveryId: number) => {
    if (!mid) return;
    const t = transmitDelivery(pool, mids, deliveryId, { instance: config.instance, concurrency: accounts[0].concurrency, log })
      .catch((e) => log.error({ delivery: deliveryId, err: (e as Error).message }, 'transmission stopped'))
      .finally(() => transmissions.delete(t));
    transmissions.add(t);
  };
  // Resume what a restart interrupted: parts of running deliveries not yet accepted by the mid.
  if (mid) {
    const pending = await pool.query(`select distinct delivery_id from delivery_part where accepted_at is null`);
    for (const r of pending.rows) transmit(r.delivery_id);
  }

  const server = createServer((req, res) =>
    void handleApi(
      {
        pool,
        async startDelivery(id) {
          const r = await prepareDelivery(pool, id, { mode: web.mode, partSize: accounts[0]?.partSize ?? 1000, partFields: web.partFields, localMta: web.localMta });
          transmit(id);
          log.info({ delivery: id, ...r }, 'delivery started');
          return { id, state: 'running', ...r };
        },
        async runWorkflow(name) {
          const w = workflows.get(name);
          if (!w) throw new NotFound(`no workflow "${name}" (in ${web.mode} mode: ${[...workflows.keys()].join(', ') || 'none'})`);
          return w.runNow();
        },
        status: () => ({
          instance: config.instance,
          mode: web.mode,
          modules: { mta: web.mode === 'on-premise', inMail: web.mode === 'on-premise' },
          workflows: Object.fromEntries([...workflows].map(([k, w]) => [k, w.lastRun])),
          midRoundTripMs: mid?.lastRoundTripMs ?? null,
        }),
      },
      req,
      res,
    ),
  );
  await listen(server, web.port, web.host);
  const control = await startControl(config.control.host, config.control.port, 'app-server', {
    metrics: () => ({ midRoundTripMs: mid?.lastRoundTripMs ?? null, transmissions: transmissions.size }),
  });
  log.info({ port: web.port, mode: web.mode }, 'marketing instance listening');
  return {
    async stop() {
      for (const m of mids) m.stop();
      await Promise.all([...workflows.values()].map((w) => w.stop()));
      await closeServer(server);
      await closeServer(control);
      await Promise.allSettled([...transmissions]);
      await pool.end();
    },
  };
};
