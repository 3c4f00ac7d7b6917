// One SMTP client connection to an MX (nodemailer's SMTPConnection), as promises.
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface SmtpReplyError {
  code: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message: string;
}

export class Smtp {
  private readonly conn: SMTPConnection;
  broken = false;

  constructor(opts: { host: string; port: number; name: string; timeoutMs: number }) {
    this.conn = new SMTPConnection({
      host: opts.host,
      port: opts.port,
      name: opts.name,
      secure: false,
      ignoreTLS: true,
      connectionTimeout: opts.timeoutMs,
      greetingTimeout: opts.timeoutMs,
      socketTimeout: opts.timeoutMs,
    });
    this.conn.on('error', () => {
      this.broken = true;
    });
    this.conn.on('end', () => {
      this.broken = true;
    });
  }

  /**
   * Settles on the handshake, or on the first error or close before it: nodemailer reports a
   * refused greeting (421) as an 'error' event and never calls the connect callback.
   */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (err?: Error) => {
        this.conn.off('error', fail);
        this.conn.off('end', closed);
        reject(err ?? new Error('connection closed before the greeting'));
      };
      const closed = () => fail();
      this.conn.once('error', fail);
      this.conn.once('end', closed);
      this.conn.connect((err?: Error) => {
        this.conn.off('error', fail);
        this.conn.off('end', closed);
        if (err) reject(err);
        else resolve();
      });
    });
  }

  send(from: string, to: string, message: Buffer): Promise<{ response: string }> {
    return new Promise((resolve, reject) =>
      this.conn.send({ from, to: [to] }, message, (err, info) => (err ? reject(err) : resolve({ response: String(info.response ?? '') }))),
    );
  }

  /** After a refused envelope or message the session continues with RSET (not after 421). */
  reset(): Promise<void> {
    return new Promise((resolve, reject) => this.conn.reset((err) => (err ? reject(err) : resolve())));
  }

  quit(): void {
    try {
      this.conn.quit();
    } catch {
      /* already closed */
    }
  }

  close(): void {
    this.conn.close();
  }
}
