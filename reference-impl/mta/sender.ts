// The MTA's sending engine: claimed messages wait in one queue per recipient domain; each domain
// gets up to its MX rule's connection count (slots granted by the stat server, shared by all MTAs),
// each connection carries up to the rule's messages per connection, and every message spends one
// stat server token. Without tokens (quota used up, stat server unreachable) the MTA pauses.
import type { Mta, MxRule } from '../common/config.js';
import { parseDuration, type TimeScale } from '../common/duration.js';
import type { Logger } from '../common/log.js';
import { qualify, qualifySmtpReply } from '../common/qualification.js';
import { composeMessage, type ComposeOptions } from './compose.js';
import { ruleFor } from '../common/mx-rules.js';
import type { Claimed, Outcome, Queue } from './queue.js';
import { Smtp, type SmtpReplyError } from './smtp.js';
import { StatUnavailable, type StatClient } from './stat-client.js';
import { RuleTokens } from './tokens.js';

interface DomainQueue {
  domain: string;
  rule: MxRule;
  host: string;
  port: number;
  items: Claimed[];
  workers: number;
  pausedUntil: number;
}

const PAUSE_ON_STAT_DOWN_MS = 1000;
/** Messages held longer than this by a pause go back to the database for anyone to take. */
const RELEASE_AFTER_PAUSE_MS = 5000;

export class Sender {
  private readonly domains = new Map<string, DomainQueue>();
  private readonly tokens = new Map<string, RuleTokens>();
  private readonly connections = new Set<Smtp>();
  private readonly active = new Set<Promise<void>>();
  private stopping = false;
  private statEpoch = 0;
  /** Length of the stat server's quota period, as it says on every (re)connection. */
  private periodMs = 300_000;
  stats = { connections: 0, messages: 0, indeterminate: 0 };

  constructor(
    private readonly cfg: Mta,
    private readonly time: TimeScale,
    private readonly queue: Queue,
    private readonly stat: StatClient,
    private readonly compose: ComposeOptions,
    private readonly log: Logger,
  ) {
    // After losing the stat server, connections opened under its old slots end after their message.
    stat.on('down', () => this.statEpoch++);
    stat.on('up', (info: { periodMs: number }) => {
      if (info.periodMs > 0) this.periodMs = info.periodMs;
    });
  }

  get queued(): number {
    let n = 0;
    for (const q of this.domains.values()) n += q.items.length;
    return n;
  }

  enqueue(items: Claimed[]): void {
    for (const m of items) {
      const domain = m.email.slice(m.email.lastIndexOf('@') + 1).toLowerCase();
      let q = this.domains.get(domain);
      if (!q) {
        const target = this.cfg.transportMap[domain] ?? this.cfg.transportMap['*'];
        if (!target) {
          // No route to this domain's MX: the documented qualification is Invalid domain.
          this.queue.record({ kind: 'failed', id: m.broadLogId, q: qualify(2), text: `no MX for domain ${domain}`, replyCode: '' });
          continue;
        }
        const [host, port] = target.split(':');
        q = { domain, rule: ruleFor(this.cfg.mxRules, domain), host, port: Number(port), items: [], workers: 0, pausedUntil: 0 };
        this.domains.set(domain, q);
      }
      q.items.push(m);
    }
    this.pump();
  }

  /** Start workers where there is work, room under the rule, and no pause. */
  pump(): void {
    if (this.stopping) return;
    const now = Date.now();
    for (const q of this.domains.values()) {
      if (!q.items.length) continue;
      if (now < q.pausedUntil) {
        if (q.pausedUntil - now > RELEASE_AFTER_PAUSE_MS || now - q.items[0].claimedAt > RELEASE_AFTER_PAUSE_MS) this.release(q, q.pausedUntil);
        continue;
      }
      const wanted = Math.min(q.rule.maxConnections, Math.ceil(q.items.length / 10));
      while (q.workers < wanted) {
        const w = this.worker(q);
        this.active.add(w);
        void w.finally(() => this.active.delete(w));
      }
    }
  }

  private release(q: DomainQueue, at: number): void {
    for (const m of q.items.splice(0)) this.queue.record({ kind: 'release', id: m.broadLogId, at });
  }

  private tokensOf(rule: MxRule): RuleTokens {
    let t = this.tokens.get(rule.name);
    if (!t) {
      t = new RuleTokens(this.stat, rule.name, () => this.periodMs);
      this.tokens.set(rule.name, t);
    }
    return t;
  }

  private pause(q: DomainQueue, ms: number): void {
    q.pausedUntil = Math.max(q.pausedUntil, Date.now() + ms);
  }

  private async worker(q: DomainQueue): Promise<void> {
    q.workers++;
    let slot = false;
    let smtp: Smtp | null = null;
    const epoch = this.statEpoch;
    try {
      const c = await this.stat.connect(q.rule.name);
      if (!c.granted) return this.pause(q, Math.max(c.retryAfterMs, 100));
      slot = true;
      smtp = new Smtp({ host: q.host, port: q.port, name: this.compose.hostName, timeoutMs: parseDuration(this.cfg.smtpTimeout) });
      this.connections.add(smtp);
      try {
        await smtp.connect();
      } catch (e) {
        // The MX cannot be reached: everything queued for it waits for its next try.
        this.log.warn({ domain: q.domain, err: (e as Error).message }, 'cannot connect to MX');
        for (const m of q.items.splice(0)) this.retry(m, (e as Error).message, '', false);
        return;
      }
      this.stats.connections++;
      let sent = 0;
      while (q.items.length && sent < q.rule.maxMessagesPerConnection && !this.stopping && epoch === this.statEpoch) {
        const t = await this.tokensOf(q.rule).take(q.items.length);
        if (!t.ok) {
          this.pause(q, t.waitMs);
          break;
        }
        const m = q.items.shift();
        if (!m) break; // another worker of this domain emptied the queue while we waited for a token
        if (!this.queue.leaseHolds(m)) {
          // The claim may have passed to another MTA: leave it the message. Give it back too (a
          // no-op if another MTA holds it), or this MTA's lease renewals would keep it forever.
          this.queue.record({ kind: 'release', id: m.broadLogId, at: Date.now() });
          continue;
        }
        sent++;
        if (!(await this.sendOne(smtp, m))) break;
      }
    } catch (e) {
      if (e instanceof StatUnavailable) this.pause(q, PAUSE_ON_STAT_DOWN_MS);
      else this.log.error({ err: e, domain: q.domain }, 'sending worker failed');
    } finally {
      if (smtp) {
        smtp.quit();
        this.connections.delete(smtp);
      }
      if (slot) await this.stat.disconnect(q.rule.name).catch(() => {});
      q.workers--;
      setImmediate(() => this.pump());
    }
  }

  /** Send one message; false when the connection is no longer usable. */
  private async sendOne(smtp: Smtp, m: Claimed): Promise<boolean> {
    let raw: Buffer;
    try {
      raw = await composeMessage(await this.queue.delivery(m.deliveryId), { broadLogId: m.broadLogId, email: m.email, data: m.data }, this.compose);
    } catch (e) {
      this.log.error({ err: e, broadLog: m.broadLogId }, 'cannot build message');
      this.retry(m, `cannot build message: ${(e as Error).message}`, '', false);
      return true;
    }
    this.stats.messages++;
    try {
      const r = await smtp.send(this.compose.bounceAddress, m.email, raw);
      this.queue.record({ kind: 'sent', id: m.broadLogId, replyCode: r.response.slice(0, 3) });
      return true;
    } catch (err) {
      const e = err as SmtpReplyError;
      const code = e.responseCode ?? 0;
      const text = (e.response ?? e.message).slice(0, 500);
      if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') {
        if (code >= 500) {
          // Documented: SMTP 550-599 means the message failed; the reply is qualified at once.
          this.queue.record({ kind: 'failed', id: m.broadLogId, q: qualifySmtpReply({ code, enhanced: enhancedOf(text), text }), text, replyCode: String(code) });
        } else {
          this.retry(m, text, String(code || ''), false, code ? qualifySmtpReply({ code, enhanced: enhancedOf(text), text }) : undefined);
        }
        if (code === 421 || smtp.broken) return false;
        await smtp.reset().catch(() => (smtp.broken = true));
        return !smtp.broken;
      }
      // The connection broke. If it broke after the message was handed over, the MX may have it:
      // the outcome is indeterminate and a retry may deliver a second copy.
      const indeterminate = e.command === 'DATA' || e.command === undefined;
      if (indeterminate) this.stats.indeterminate++;
      this.retry(m, text, '', indeterminate);
      return false;
    }
  }

  /** Temporary failure: back off (documented 5s, 10s, 20s, 40s, 2min...) until the validity ends. */
  private retry(m: Claimed, text: string, replyCode: string, indeterminate: boolean, q?: ReturnType<typeof qualify>): void {
    const delays = this.cfg.retryDelays;
    const delay = this.time.wall(delays[Math.min(m.tries - 1, delays.length - 1)]);
    const at = Date.now() + delay;
    if (at > m.preparedAt + this.time.wall(this.cfg.validity)) {
      this.queue.record({ kind: 'failed', id: m.broadLogId, q: q ?? qualify(3), text: `validity expired: ${text}`, replyCode });
      return;
    }
    this.queue.record({ kind: 'retry', id: m.broadLogId, at, text, replyCode, indeterminate });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const q of this.domains.values()) this.release(q, Date.now());
    for (const c of this.connections) c.close();
    await Promise.allSettled([...this.active]);
    for (const q of this.domains.values()) this.release(q, Date.now());
  }
}

function enhancedOf(text: string): string | undefined {
  return /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1];
}
