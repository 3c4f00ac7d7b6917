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

  let mid: MidClient | null = null;
  const workflows = new Map<string, Workflow>();
  const transmissions = new Set<Promise<void>>();
  if (web.mode === 'mid-sourcing') {
    if (!web.mid) throw new Error('config: web.mid is required in mid-sourcing mode (soapUrl, login, password)');
    const m = web.mid;
    mid = new MidClient({
      soapUrl: m.soapUrl,
      login: m.login,
      password: m.password,
      timeoutMs: parseDuration(m.timeout), // a network timeout is not a schedule: not scaled
      retryDelaysMs: m.retryDelays.map((d) => time.wall(d)),
      log,
    });
    const ctx: SyncContext = { pool, mid, instance: config.instance, batchSize: web.sync.batchSize, softThreshold: web.quarantine.softThreshold, log };
    workflows.set('deliveryLogs', new Workflow('deliveryLogs', time.wall(web.sync.deliveryLogsPeriod), () => syncDeliveryLogs(ctx), log));
    workflows.set('trackingLogs', new Workflow('trackingLogs', time.wall(web.sync.trackingLogsPeriod), () => syncTrackingLogs(ctx), log));
    workflows.set('counters', new Workflow('counters', time.wall(web.sync.countersPeriod), () => syncCounters(ctx), log));
    for (const w of workflows.values()) w.start();
  }

  const transmit = (deliveryId: number) => {
    if (!mid) return;
    const t = transmitDelivery(pool, mid, deliveryId, { instance: config.instance, concurrency: web.mid!.concurrency, log })
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
          const r = await prepareDelivery(pool, id, { mode: web.mode, partSize: web.mid?.partSize ?? 1000, partFields: web.partFields, localMta: web.localMta });
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
      mid?.stop();
      await Promise.all([...workflows.values()].map((w) => w.stop()));
      await closeServer(server);
      await closeServer(control);
      await Promise.allSettled([...transmissions]);
      await pool.end();
    },
  };
};
