// The MTA: sends the site's pending broadlog rows (broadLogMid at the mid) to the Internet MXs,
// metered by the stat server. Documented: it refuses to start without a stat server address.
import { hostname } from 'node:os';
import { section } from '../common/config.js';
import { startControl } from '../common/control.js';
import { createPool, ensureSchema, waitForDatabase } from '../common/db.js';
import { parseDuration, TimeScale } from '../common/duration.js';
import { closeServer } from '../common/http.js';
import type { ModuleStart } from '../common/module.js';
import { Queue } from './queue.js';
import { Sender } from './sender.js';
import { StatClient } from './stat-client.js';

export const start: ModuleStart = async (config, log) => {
  const cfg = section(config, 'mta');
  const time = new TimeScale(config.timeScale);
  const me = `${config.instance}/${hostname()}/${process.pid}`;
  const pool = createPool(cfg.db.url, cfg.db.poolSize);
  await waitForDatabase(pool);
  await ensureSchema(pool, cfg.site);
  const leaseMs = time.wall(cfg.claimLease);
  const queue = new Queue(pool, me, leaseMs, cfg.quarantine.softThreshold, log);
  const stat = new StatClient({ host: cfg.statServer.host, port: cfg.statServer.port, mta: me, ip: cfg.sourceIp, log });
  stat.start();
  stat.on('down', () => log.warn('stat server unreachable: sending paused'));
  stat.on('up', () => log.info('stat server reachable'));
  const sender = new Sender(cfg, time, queue, stat, {
    instance: config.instance,
    hostName: cfg.hostName,
    trackingBaseUrl: cfg.trackingBaseUrl,
    bounceAddress: cfg.bounceAddress,
  }, log);

  let stopping = false;
  const pollMs = parseDuration(cfg.pollInterval); // polling is not a schedule: not scaled
  const loop = (async () => {
    let lastRenew = Date.now();
    while (!stopping) {
      try {
        if (Date.now() - lastRenew > leaseMs / 3) {
          await queue.renewLeases();
          lastRenew = Date.now();
        }
        // Claim only while the stat server answers: without it nothing may be sent anyway.
        const room = cfg.batchSize - sender.queued;
        if (stat.connected && room >= cfg.batchSize / 2) {
          const claimed = await queue.claim(room);
          if (claimed.length) sender.enqueue(claimed);
          if (claimed.length === room) continue;
        }
        sender.pump();
        await queue.flush();
      } catch (e) {
        log.error({ err: (e as Error).message }, 'MTA loop error');
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  })();

  const control = await startControl(config.control.host, config.control.port, 'mta', {
    health: () => ({ statServer: stat.connected ? 'up' : 'down' }),
    metrics: () => ({ ...queue.stats, ...sender.stats, queued: sender.queued, backlog: queue.backlog, statServer: stat.connected }),
  });
  log.info({ me }, 'MTA running');
  return {
    async stop() {
      stopping = true;
      await loop;
      await sender.stop();
      await queue.flush();
      await queue.flush();
      await stat.stop();
      await closeServer(control);
      await pool.end();
    },
  };
};
