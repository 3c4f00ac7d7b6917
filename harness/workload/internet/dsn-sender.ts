// Sends the DSNs of the simulated Internet to the bounce intake (inMail) over SMTP, with the null
// envelope sender MAIL FROM:<> that RFC 5321 requires for bounces, through nodemailer's SMTP
// connection. Connections are reused across DSNs; a DSN that inMail does not take (4xx, network
// error) is retried with back-off; a 5xx refusal is final.
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Logger } from 'pino';
import { composeDsn, type DsnInput } from './dsn.js';
import type { EventBuffer } from './events.js';
import { DelayedWork } from './task-queue.js';

export interface DsnJob {
  /** The recipient that bounced, and the original message. */
  rcpt: string;
  index: number | null;
  messageId: string | null;
  /** Everything composeDsn needs; the DSN is written when it is sent (its Date is then). */
  dsn: DsnInput;
}

export interface DsnSenderOptions {
  intake: { host: string; port: number };
  /** Intakes by the domain of the bounce address (several sending sites, each with its own inMail); others go to `intake`. */
  intakes?: Record<string, { host: string; port: number }>;
  /** EHLO name. */
  hostName: string;
  /** Wall-clock back-off between attempts; its length is the number of retries. */
  retryDelaysMs: number[];
  events: EventBuffer;
  log: Logger;
  /** Connections to the intake at once. */
  concurrency?: number;
}

interface SmtpFailure extends Error {
  code?: string;
  responseCode?: number;
}

/** One reusable SMTP connection to the intake, opened on demand, closed when idle. */
class IntakeConnection {
  private conn: SMTPConnection | null = null;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly hostName: string,
    private readonly idleMs = 2000,
  ) {}

  async send(to: string, raw: Buffer): Promise<void> {
    clearTimeout(this.idleTimer);
    try {
      const conn = this.conn ?? (this.conn = await this.open());
      await new Promise<void>((resolve, reject) =>
        // from: false is the null sender, MAIL FROM:<>.
        conn.send({ from: false, to: [to] }, raw, (err) => (err ? reject(err) : resolve())),
      );
    } catch (e) {
      this.close();
      throw e;
    }
    this.idleTimer = setTimeout(() => this.close(), this.idleMs);
    this.idleTimer.unref();
  }

  close(): void {
    clearTimeout(this.idleTimer);
    const conn = this.conn;
    this.conn = null;
    conn?.quit();
  }

  private open(): Promise<SMTPConnection> {
    const conn = new SMTPConnection({
      ...this.target,
      name: this.hostName,
      ignoreTLS: true,
      logger: false,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return new Promise((resolve, reject) => {
      // Errors arrive as events; one must always be listened to or it would crash the process.
      conn.on('error', (err: Error) => {
        if (this.conn === conn) this.conn = null;
        reject(err);
      });
      conn.on('end', () => {
        if (this.conn === conn) this.conn = null;
        reject(new Error('connection closed by the bounce intake'));
      });
      conn.connect(() => {
        // Small SMTP commands: do not let Nagle hold them back.
        if (conn._socket) conn._socket.setNoDelay(true);
        resolve(conn);
      });
    });
  }
}

export class DsnSender {
  private readonly work: DelayedWork;
  /** Idle connections per intake (the bounce address's domain, or '' for the default intake). */
  private readonly idle = new Map<string, IntakeConnection[]>();
  private readonly all = new Set<IntakeConnection>();

  constructor(private readonly o: DsnSenderOptions) {
    this.work = new DelayedWork(o.concurrency ?? 2);
  }

  /** Send `job` after `delayMs` (the time the remote mail system takes to bounce). */
  schedule(delayMs: number, job: DsnJob): void {
    this.work.after(delayMs, () => this.enqueue(job, 0));
  }

  stats(): { scheduled: number; queued: number; inFlight: number } {
    return this.work.stats();
  }

  /** Forget planned and queued DSNs, wait up to `graceMs` for the ones being sent. */
  async stop(graceMs = 2000): Promise<void> {
    await this.work.stop(graceMs);
    for (const c of this.all) c.close();
  }

  private enqueue(job: DsnJob, attempt: number): void {
    this.work.push(async () => {
      // The DSN goes back to the domain of the original's bounce address (its return path).
      const domain = job.dsn.returnPath.slice(job.dsn.returnPath.lastIndexOf('@') + 1).toLowerCase();
      const key = this.o.intakes?.[domain] ? domain : '';
      const idle = this.idle.get(key) ?? (this.idle.set(key, []).get(key) as IntakeConnection[]);
      const conn = idle.pop() ?? this.newConnection(key ? this.o.intakes![key] : this.o.intake);
      try {
        const raw = await composeDsn({ ...job.dsn, date: new Date() });
        await conn.send(job.dsn.returnPath, raw);
        this.o.events.push({ type: 'dsn.sent', rcpt: job.rcpt, index: job.index, messageId: job.messageId, status: job.dsn.plan.status });
      } catch (e) {
        this.failed(job, attempt, e as SmtpFailure);
      } finally {
        idle.push(conn);
      }
    });
  }

  private failed(job: DsnJob, attempt: number, err: SmtpFailure): void {
    const permanent = (err.responseCode ?? 0) >= 500;
    if (!permanent && attempt < this.o.retryDelaysMs.length && !this.work.stopped) {
      this.o.log.debug({ err: err.message, rcpt: job.rcpt, attempt }, 'DSN not taken, will retry');
      this.work.after(this.o.retryDelaysMs[attempt], () => this.enqueue(job, attempt + 1));
      return;
    }
    if (this.work.stopped) return;
    const error = [err.code, err.responseCode, err.message].filter((x) => x !== undefined && x !== '').join(' ');
    this.o.log.warn({ rcpt: job.rcpt, error, attempts: attempt + 1 }, 'DSN failed');
    this.o.events.push({ type: 'dsn.failed', rcpt: job.rcpt, index: job.index, messageId: job.messageId, error });
  }

  private newConnection(target: { host: string; port: number }): IntakeConnection {
    const c = new IntakeConnection(target, this.o.hostName);
    this.all.add(c);
    return c;
  }
}
