// The simulated Internet, one node of the topology: an MX sink per recipient domain, recipients
// who open and click, remote mail systems that bounce asynchronously (DSNs to inMail), and a
// control API that reports every observation as an event.
import { pino, type Logger } from 'pino';
import { TimeScale, parseDuration } from '../../../reference-impl/common/duration.js';
import { engagementFor } from '../model.js';
import { parseInternetConfig, type InternetConfig, type InternetConfigInput } from './config.js';
import { startControlApi } from './control.js';
import { headerBlock } from './dsn.js';
import { DsnSender } from './dsn-sender.js';
import { EventBuffer, type SinkMode } from './events.js';
import { Recipients } from './recipient.js';
import { MxSink, type AcceptedMessage } from './sink.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface RunningInternet {
  control: Endpoint;
  /** Where each domain's MX listens, by domain name as configured. */
  domains: Record<string, Endpoint>;
  stop(): Promise<void>;
}

export { InternetConfig, type InternetConfigInput } from './config.js';
export type { InternetEvent, InternetEventBody, InternetEventType, EventPage, SinkMode } from './events.js';

/** Grace given to DSNs and recipient requests in flight when stopping (wall clock). */
const STOP_GRACE_MS = 2000;

export function createInternetLogger(level: InternetConfig['logLevel']): Logger {
  // stderr: stdout carries only the ready line that the runtime waits for.
  return pino({ level, base: { module: 'internet' } }, pino.destination(2));
}

export async function startInternet(input: InternetConfigInput | InternetConfig, log?: Logger): Promise<RunningInternet> {
  const config = parseInternetConfig(input);
  const logger = log ?? createInternetLogger(config.logLevel);
  const time = new TimeScale(config.timeScale);
  const events = new EventBuffer(config.eventBufferSize);
  const startedAt = Date.now();

  const dsn = new DsnSender({
    intake: config.bounceIntake,
    intakes: Object.fromEntries(Object.entries(config.bounceIntakes).map(([d, a]) => [d.toLowerCase(), a])),
    hostName: config.hostName,
    retryDelaysMs: config.dsnRetryDelays.map((d) => time.wall(d)),
    events,
    log: logger,
  });
  const recipients = new Recipients({
    delayMs: time.wall(config.recipients.delay),
    concurrency: config.recipientConcurrency,
    timeoutMs: parseDuration(config.recipientTimeout),
    events,
    log: logger,
  });

  let dsnCount = 0;
  const sinks = new Map<string, MxSink>();
  const behaviours = new Map(config.domains.map((d) => [d.name.toLowerCase(), d.behaviour]));
  const onAccepted = (m: AcceptedMessage) => {
    if (m.plan.dsn) {
      if (!m.returnPath) {
        // RFC 5321: a message with the null sender (itself a bounce) is never bounced.
        events.push({ type: 'dsn.failed', rcpt: m.rcpt, index: m.index, messageId: m.messageId, error: 'null envelope sender: not bounced' });
        return;
      }
      const sink = sinks.get(m.domain)!;
      dsn.schedule(time.wall(behaviours.get(m.domain)!.dsn.delay), {
        rcpt: m.rcpt,
        index: m.index,
        messageId: m.messageId,
        dsn: {
          reportingMta: sink.hostName,
          rcpt: m.rcpt,
          returnPath: m.returnPath,
          arrivalDate: m.arrivalDate,
          originalHeaders: Buffer.from(headerBlock(m.raw)),
          plan: m.plan.dsn,
          // No dots: it must never look like a campaign Message-ID (<blHex.dlHex.instance@host>).
          messageId: `<dsn-${++dsnCount}-${startedAt.toString(36)}@${sink.hostName}>`,
        },
      });
      return;
    }
    recipients.delivered(m, engagementFor(config.seed, m.rcpt, config.recipients));
  };

  const ctx = { seed: config.seed, events, log: logger, onAccepted };
  const domains: Record<string, Endpoint> = {};
  let control: Awaited<ReturnType<typeof startControlApi>> | undefined;
  const stopAll = async () => {
    await control?.close();
    await Promise.all([...sinks.values()].map((s) => s.close()));
    await Promise.all([dsn.stop(STOP_GRACE_MS), recipients.stop(STOP_GRACE_MS)]);
  };

  try {
    for (const d of config.domains) {
      const sink = new MxSink(d.name, d.behaviour, ctx);
      sinks.set(sink.domain, sink);
      domains[d.name] = await sink.listen(d.host, d.port);
    }
    control = await startControlApi(config.control.host, config.control.port, {
      events,
      setMode: (domain: string, mode: SinkMode) => {
        const sink = sinks.get(domain.toLowerCase());
        if (!sink) return false;
        sink.mode = mode;
        logger.info({ domain, mode }, 'sink mode changed');
        return true;
      },
      stats: () => stats(startedAt, sinks, events, dsn, recipients),
    });
  } catch (e) {
    await stopAll();
    throw e;
  }
  logger.info({ control: { host: control.host, port: control.port }, domains }, 'internet started');

  let stopping: Promise<void> | undefined;
  return {
    control: { host: control.host, port: control.port },
    domains,
    stop: () => (stopping ??= stopAll()),
  };
}

function stats(startedAt: number, sinks: Map<string, MxSink>, events: EventBuffer, dsn: DsnSender, recipients: Recipients) {
  const domains = Object.fromEntries([...sinks].map(([name, s]) => [name, s.stats()]));
  const all = Object.values(domains);
  const sum = (f: (s: (typeof all)[number]) => number) => all.reduce((n, s) => n + f(s), 0);
  const closed = sum((s) => s.messagesPerConnection.connections);
  const messages = sum((s) => s.messagesPerConnection.messages);
  return {
    uptimeMs: Date.now() - startedAt,
    domains,
    events: events.countsByType(),
    buffer: { size: events.size, last: events.lastSeq, dropped: events.dropped },
    connections: { total: sum((s) => s.connections), open: sum((s) => s.openConnections) },
    messagesPerConnection: {
      closedConnections: closed,
      mean: closed ? messages / closed : 0,
      max: Math.max(0, ...all.map((s) => s.messagesPerConnection.max)),
    },
    dsn: dsn.stats(),
    recipients: recipients.stats(),
  };
}
