// One recipient domain's MX on the simulated Internet: a real SMTP server (smtp-server) that
// refuses, defers or accepts each recipient as the workload model plans it, and hands accepted
// messages on (to the DSN sender and the recipients). Like a real MX it takes many messages per
// connection and PIPELINING, and keeps smtp-server's early-talker delay before the greeting.
import { simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { listenOn } from './listen.js';
import {
  DEFER_REPLY,
  normalizeEmail,
  recipientIndex,
  smtpPlanFor,
  type DomainBehaviour,
  type SmtpPlan,
  type SmtpReply,
} from '../model.js';
import type { EventBuffer, SinkMode } from './events.js';

/** A message the sink accepted, one per recipient. */
export interface AcceptedMessage {
  domain: string;
  /** Lower-cased recipient address. */
  rcpt: string;
  index: number | null;
  messageId: string | null;
  raw: Buffer;
  html: string;
  text: string;
  /** The envelope sender ('' for the null sender <>). */
  returnPath: string;
  arrivalDate: Date;
  plan: SmtpPlan;
}

export interface SinkContext {
  seed: number;
  events: EventBuffer;
  log: Logger;
  onAccepted(message: AcceptedMessage): void;
}

export interface SinkStats {
  mode: SinkMode;
  connections: number;
  /** Turned away with 421 at connect (tempfail mode). */
  refusedConnections: number;
  openConnections: number;
  sessions: number;
  messages: number;
  accepted: number;
  deferred: number;
  rejected: number;
  /** Over closed connections: how many messages each carried. */
  messagesPerConnection: { connections: number; messages: number; max: number };
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

const TEMPFAIL_CONNECT: SmtpReply = { code: 421, enhanced: '4.3.2', text: 'Service temporarily unavailable, closing transmission channel' };
const TEMPFAIL: SmtpReply = { code: 451, enhanced: '4.3.0', text: 'Temporary failure, please try again later' };
const REFUSE_ALL: SmtpReply = { code: 554, enhanced: '5.7.1', text: 'Service refused: all mail to this domain is refused for now' };
const relayDenied = (email: string): SmtpReply => ({ code: 550, enhanced: '5.1.2', text: `<${email}>: Relay access denied` });

/** An smtp-server callback error: the reply goes on the wire as "<code> <enhanced> <text>". */
function smtpError(r: SmtpReply): Error {
  return Object.assign(new Error(`${r.enhanced} ${r.text}`), { responseCode: r.code });
}

interface SessionState {
  /** The EHLO name already reported in a sink.session event. */
  reportedEhlo: string | null;
  messages: number;
  /** Attempt number of each recipient accepted in the current transaction. */
  attempts: Map<string, number>;
}

/** Memory for recipients that were deferred (only them): tries seen, and model deferrals given. */
interface DeferredRecipient {
  tries: number;
  modelDeferrals: number;
}

export class MxSink {
  mode: SinkMode = 'normal';
  readonly hostName: string;
  private readonly server: SMTPServer;
  private readonly sessions = new Map<string, SessionState>();
  private readonly deferred = new Map<string, DeferredRecipient>();
  private readonly counters = { connections: 0, refusedConnections: 0, sessions: 0, messages: 0, accepted: 0, deferred: 0, rejected: 0 };
  private readonly perConnection = { connections: 0, messages: 0, max: 0 };

  constructor(
    readonly domain: string,
    private readonly behaviour: DomainBehaviour,
    private readonly ctx: SinkContext,
  ) {
    this.domain = domain.toLowerCase();
    this.hostName = `mx.${this.domain}`;
    this.server = new SMTPServer({
      name: this.hostName,
      banner: 'midsim simulated Internet MX',
      disabledCommands: ['AUTH', 'STARTTLS'],
      disableReverseLookup: true,
      size: MAX_MESSAGE_BYTES,
      logger: false,
      // A stop closes lingering client connections after this long (smtp-server waits 30 s otherwise).
      closeTimeout: 1000,
      onConnect: (session, cb) => this.onConnect(session, cb),
      onMailFrom: (address, session, cb) => this.onMailFrom(address, session, cb),
      onRcptTo: (address, session, cb) => this.onRcptTo(address, session, cb),
      onData: (stream, session, cb) => this.onData(stream, session, cb),
      onClose: (session) => this.onClose(session),
    });
    this.server.on('error', (err) => this.ctx.log.warn({ err, domain: this.domain }, 'sink error'));
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return listenOn(this.server.server, host, port);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  stats(): SinkStats {
    return {
      mode: this.mode,
      ...this.counters,
      openConnections: this.sessions.size,
      messagesPerConnection: { ...this.perConnection },
    };
  }

  // --- SMTP handlers ----------------------------------------------------------------------

  private onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    this.counters.connections++;
    this.sessions.set(session.id, { reportedEhlo: null, messages: 0, attempts: new Map() });
    this.ctx.events.push({ type: 'sink.connect', domain: this.domain, sessionId: session.id });
    // "The MX defers for a while": new connections are turned away with 421.
    if (this.mode !== 'tempfail') return cb();
    this.counters.refusedConnections++;
    cb(smtpError(TEMPFAIL_CONNECT));
  }

  // In tempfail mode MAIL FROM still passes: the 451 comes at RCPT TO, one event per recipient.
  private onMailFrom(_address: SMTPServerAddress, session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    this.reportSession(session);
    this.state(session).attempts.clear();
    cb();
  }

  private onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    const rcpt = normalizeEmail(address.address);
    const index = recipientIndex(rcpt);
    const reject = (r: SmtpReply) => {
      this.counters.rejected++;
      this.ctx.events.push({ type: 'sink.rejected', domain: this.domain, rcpt, index, code: r.code, enhanced: r.enhanced, text: r.text, sessionId: session.id });
      cb(smtpError(r));
    };
    const defer = (r: SmtpReply, attempt: number) => {
      this.counters.deferred++;
      this.ctx.events.push({ type: 'sink.deferred', domain: this.domain, rcpt, index, code: r.code, enhanced: r.enhanced, attempt, sessionId: session.id });
      cb(smtpError(r));
    };

    if (rcpt.slice(rcpt.lastIndexOf('@') + 1) !== this.domain) return reject(relayDenied(rcpt));
    if (this.mode === 'reject-all') return reject(REFUSE_ALL);
    if (this.mode === 'tempfail') return defer(TEMPFAIL, this.nextTry(rcpt, true));

    const plan = smtpPlanFor(this.ctx.seed, rcpt, this.behaviour);
    if (plan.reject) return reject(plan.reject);
    const memory = this.deferred.get(rcpt);
    if (plan.deferAttempts > (memory?.modelDeferrals ?? 0)) {
      const attempt = this.nextTry(rcpt, true);
      this.deferred.get(rcpt)!.modelDeferrals++;
      return defer(DEFER_REPLY, attempt);
    }
    this.state(session).attempts.set(rcpt, this.nextTry(rcpt, false));
    cb();
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_MESSAGE_BYTES) chunks.push(c);
    });
    stream.once('error', (err) => cb(err));
    stream.once('end', () => {
      // smtp-server answers 552 by itself when the message was too large.
      if (stream.sizeExceeded || size > MAX_MESSAGE_BYTES) return cb(null);
      if (this.mode === 'tempfail') {
        // Switched to tempfail during the transaction: the recipients accepted at RCPT are deferred now.
        for (const to of session.envelope.rcptTo) {
          const rcpt = normalizeEmail(to.address);
          const attempt = this.state(session).attempts.get(rcpt) ?? 1;
          this.deferred.set(rcpt, { modelDeferrals: 0, ...this.deferred.get(rcpt), tries: attempt });
          this.counters.deferred++;
          this.ctx.events.push({ type: 'sink.deferred', domain: this.domain, rcpt, index: recipientIndex(rcpt), code: TEMPFAIL.code, enhanced: TEMPFAIL.enhanced, attempt, sessionId: session.id });
        }
        return cb(smtpError(TEMPFAIL));
      }
      void this.accept(Buffer.concat(chunks), session).then(
        (queueId) => cb(null, `2.0.0 Ok: queued as ${queueId}`),
        (err: Error) => {
          this.ctx.log.error({ err, domain: this.domain }, 'cannot record an accepted message');
          cb(smtpError(TEMPFAIL));
        },
      );
    });
  }

  private onClose(session: SMTPServerSession): void {
    const s = this.sessions.get(session.id);
    if (!s) return;
    this.reportSession(session);
    this.sessions.delete(session.id);
    this.ctx.events.push({ type: 'sink.closed', domain: this.domain, sessionId: session.id, messages: s.messages });
    this.perConnection.connections++;
    this.perConnection.messages += s.messages;
    this.perConnection.max = Math.max(this.perConnection.max, s.messages);
  }

  // --- helpers -----------------------------------------------------------------------------

  /** Parse before answering 250, so that the event is recorded before the MTA counts it sent. */
  private async accept(raw: Buffer, session: SMTPServerSession): Promise<string> {
    const arrivalDate = new Date();
    const parsed = await simpleParser(raw, { skipImageLinks: true, skipHtmlToText: true, skipTextToHtml: true }).catch(() => null);
    const s = this.state(session);
    const ehlo = session.hostNameAppearsAs || '';
    const returnPath = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const messageId = parsed?.messageId ?? null;
    s.messages++;
    this.counters.messages++;
    for (const to of session.envelope.rcptTo) {
      const rcpt = normalizeEmail(to.address);
      const index = recipientIndex(rcpt);
      this.counters.accepted++;
      this.ctx.events.push({
        type: 'sink.accepted',
        domain: this.domain,
        rcpt,
        index,
        messageId,
        bytes: raw.length,
        ehlo,
        sessionId: session.id,
        attempt: s.attempts.get(rcpt) ?? 1,
      });
      this.ctx.onAccepted({
        domain: this.domain,
        rcpt,
        index,
        messageId,
        raw,
        html: typeof parsed?.html === 'string' ? parsed.html : '',
        text: parsed?.text ?? '',
        returnPath,
        arrivalDate,
        plan: smtpPlanFor(this.ctx.seed, rcpt, this.behaviour),
      });
    }
    return `${session.id}.${session.transaction}`;
  }

  /** smtp-server has no EHLO hook: report the EHLO name at the next MAIL FROM or at close. */
  private reportSession(session: SMTPServerSession): void {
    const s = this.sessions.get(session.id);
    const ehlo = session.hostNameAppearsAs;
    if (!s || !ehlo || s.reportedEhlo === ehlo) return;
    s.reportedEhlo = ehlo;
    this.counters.sessions++;
    this.ctx.events.push({ type: 'sink.session', domain: this.domain, ehlo, sessionId: session.id });
  }

  private state(session: SMTPServerSession): SessionState {
    let s = this.sessions.get(session.id);
    if (!s) this.sessions.set(session.id, (s = { reportedEhlo: null, messages: 0, attempts: new Map() }));
    return s;
  }

  /** Attempt number of this try. Recipients are remembered once deferred, never before. */
  private nextTry(rcpt: string, deferring: boolean): number {
    let memory = this.deferred.get(rcpt);
    if (!memory && !deferring) return 1;
    if (!memory) this.deferred.set(rcpt, (memory = { tries: 0, modelDeferrals: 0 }));
    return ++memory.tries;
  }
}
