// The stat server: MTAs open one TCP session each, say hello (MTA name, source IP), then ask for
// message tokens and SMTP connection slots per MX rule, so that all MTAs together respect each rule.
import { createServer, type Server, type Socket } from 'node:net';
import type { MxRule } from '../common/config.js';
import type { TimeScale } from '../common/duration.js';
import type { Logger } from '../common/log.js';
import { LineSplitter, MAX_LINE_BYTES, parseRequest, type Request } from './protocol.js';
import { PeriodClock, QuotaLedger, type LedgerState } from './quota.js';
import { ConnectionSlots } from './slots.js';

/** Slots free when other MTAs finish, not on a schedule: a refused MTA asks again this soon. */
const CONNECT_RETRY_MS = 200;
/** After refusing an over-long line, how long the peer has to read the error before the session is cut. */
const CLOSE_GRACE_MS = 1000;

export interface StatServerOptions {
  mxRules: MxRule[];
  periodsPerHour: number;
  timeScale: TimeScale;
  log: Logger;
  now?: () => number;
  /** The counts saved by an earlier run ('fresh': there was none), see QuotaLedger. */
  saved?: LedgerState | 'fresh';
  /** Called with the current period's counts after each grant, before answering it. */
  save?: (s: LedgerState) => void;
}

interface Session {
  socket: Socket;
  mta?: string;
  ip?: string;
  closing?: boolean;
}

interface RuleCounters {
  tokenRequests: number;
  tokensGranted: number;
  /** Token requests that got nothing (quota exhausted, or the restart hold). */
  tokenRefusals: number;
  connectGrants: number;
  connectRefusals: number;
}

type Response = Record<string, unknown>;

export class StatServer {
  private readonly rules: Map<string, MxRule>;
  private readonly counters = new Map<string, RuleCounters>();
  private readonly ledger: QuotaLedger;
  private readonly save?: (s: LedgerState) => void;
  private readonly slots = new ConnectionSlots<Session>();
  private readonly sessions = new Set<Session>();
  private readonly server: Server;
  private readonly now: () => number;
  private readonly log: Logger;
  private badRequests = 0;

  constructor(opts: StatServerOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log;
    this.rules = new Map(opts.mxRules.map((r) => [r.name, r]));
    for (const r of this.rules.keys()) {
      this.counters.set(r, { tokenRequests: 0, tokensGranted: 0, tokenRefusals: 0, connectGrants: 0, connectRefusals: 0 });
    }
    this.ledger = new QuotaLedger(new PeriodClock(opts.periodsPerHour, opts.timeScale), this.now(), opts.saved);
    this.save = opts.save;
    this.server = createServer((socket) => this.accept(socket));
  }

  get periodMs(): number {
    return this.ledger.clock.periodMs;
  }

  /** Listen; resolves with the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sessions) s.socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  health(): Record<string, unknown> {
    return { sessions: this.sessions.size, granting: this.ledger.granting(this.now()), periodMs: this.periodMs };
  }

  metrics(): Record<string, unknown> {
    const rules = Object.fromEntries(
      [...this.counters].map(([name, c]) => [name, { ...c, connectionsOpen: this.slots.openCount(name) }]),
    );
    const mtas = [...this.sessions].flatMap((s) => (s.mta ? [s.mta] : []));
    return { sessions: this.sessions.size, mtas, badRequests: this.badRequests, granting: this.ledger.granting(this.now()), rules };
  }

  private accept(socket: Socket): void {
    const session: Session = { socket };
    this.sessions.add(session);
    const splitter = new LineSplitter();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (session.closing) return;
      const { lines, tooLong } = splitter.push(chunk);
      for (const line of lines) this.send(session, this.answerSafely(session, line));
      if (tooLong) {
        this.badRequests++;
        this.send(session, { id: null, error: `line longer than ${MAX_LINE_BYTES} bytes; closing the session` });
        session.closing = true;
        socket.end();
        setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      }
    });
    socket.on('error', (e) => this.log.debug({ mta: session.mta, err: e.message }, 'stat session error'));
    socket.on('close', () => this.endSession(session));
  }

  /** A session's end frees its connection slots: an MTA that crashed or lost its link must not leak them. */
  private endSession(session: Session): void {
    if (!this.sessions.delete(session)) return;
    const freed = this.slots.releaseAll(session);
    if (session.mta) this.log.info({ mta: session.mta, ip: session.ip, slotsFreed: freed }, 'MTA left the stat server');
  }

  private send(session: Session, response: Response): void {
    if (session.socket.writable) session.socket.write(`${JSON.stringify(response)}\n`);
  }

  private answerSafely(session: Session, line: string): Response {
    try {
      return this.answer(session, line);
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'stat server failed on a request');
      return { id: null, error: `internal error: ${(e as Error).message}` };
    }
  }

  private answer(session: Session, line: string): Response {
    const parsed = parseRequest(line);
    if (!('request' in parsed)) return this.refuse(session, parsed.id, parsed.error);
    const req = parsed.request;
    if (req.op === 'hello') return this.hello(session, req);
    if (!session.ip) return this.refuse(session, req.id, 'say hello first: {"op":"hello","mta":"<name>","ip":"<source ip>"}');
    if (req.op === 'stats') return { id: req.id, ...this.stats() };

    const rule = this.rules.get(req.rule);
    const counters = this.counters.get(req.rule);
    if (!rule || !counters) return this.refuse(session, req.id, `unknown MX rule ${JSON.stringify(req.rule)}`);
    switch (req.op) {
      case 'tokens': {
        const grant = this.ledger.take(rule, session.ip, req.want, this.now());
        if (grant.granted) this.save?.(this.ledger.state(this.now()));
        counters.tokenRequests++;
        counters.tokensGranted += grant.granted;
        if (grant.granted === 0) counters.tokenRefusals++;
        return { id: req.id, ...grant };
      }
      case 'connect': {
        const granted = this.slots.acquire(rule.name, rule.maxConnections, session);
        if (granted) counters.connectGrants++;
        else counters.connectRefusals++;
        return { id: req.id, granted, retryAfterMs: granted ? 0 : CONNECT_RETRY_MS };
      }
      case 'disconnect':
        // A session that holds no slot of this rule (taken before a reconnect) frees nothing.
        this.slots.release(rule.name, session);
        return { id: req.id, ok: true };
    }
  }

  private hello(session: Session, req: Extract<Request, { op: 'hello' }>): Response {
    const id = req.id === undefined ? {} : { id: req.id };
    if (session.ip) return this.refuse(session, req.id ?? null, 'hello already said on this session');
    // A new session from an MTA supersedes its old one, whose link may be dead without a FIN
    // (a firewall drop): otherwise the old session would hold its slots indefinitely.
    for (const other of this.sessions) {
      if (other !== session && other.mta === req.mta) {
        this.log.warn({ mta: req.mta }, 'MTA said hello again: dropping its previous session');
        other.socket.destroy();
        this.endSession(other);
      }
    }
    session.mta = req.mta;
    session.ip = req.ip;
    this.log.info({ mta: req.mta, ip: req.ip }, 'MTA joined the stat server');
    return { ...id, ok: true, periodMs: this.periodMs };
  }

  private stats(): Response {
    const now = this.now();
    const used = this.ledger.snapshot(now);
    const rules = [...this.rules.values()].map((r) => ({
      rule: r.name,
      maxConnections: r.maxConnections,
      connectionsOpen: this.slots.openCount(r.name),
      periodQuota: this.ledger.quota(r, now),
      tokensUsed: Object.fromEntries(used.filter((u) => u.rule === r.name).map((u) => [u.ip, u.used])),
    }));
    return { periodMs: this.periodMs, granting: this.ledger.granting(now), rules };
  }

  private refuse(session: Session, id: number | null, error: string): Response {
    this.badRequests++;
    this.log.warn({ mta: session.mta, error }, 'stat request refused');
    return { id, error };
  }
}
