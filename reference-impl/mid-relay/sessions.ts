// xtk:session#Logon: the remote marketing instance logs on as an operator (documented: `mid`) and
// gets a session token and a security token; every later call must carry both.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SoapFault } from '../common/soap.js';

interface Session {
  login: string;
  securityToken: string;
  expiresAt: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  constructor(
    private readonly operators: { login: string; password: string }[],
    private readonly ttlMs: number,
  ) {}

  logon(login: string, password: string): { sessionToken: string; securityToken: string } {
    const op = this.operators.find((o) => o.login === login);
    if (!op || !safeEqual(op.password, password)) {
      throw new SoapFault('Client', `Logon refused for operator "${login}": unknown operator or wrong password`);
    }
    this.expire();
    const sessionToken = `___${randomBytes(18).toString('hex')}`;
    const securityToken = `@${randomBytes(24).toString('base64url')}==`;
    this.sessions.set(sessionToken, { login, securityToken, expiresAt: Date.now() + this.ttlMs });
    return { sessionToken, securityToken };
  }

  /** The operator behind a call, or a SOAP Fault when the tokens are missing or wrong. */
  check(sessionToken: string, securityToken: string | undefined): string {
    const s = sessionToken ? this.sessions.get(sessionToken) : undefined;
    if (!s || s.expiresAt < Date.now()) {
      throw new SoapFault('Client', 'XSV-350008 invalid or expired session token: call xtk:session#Logon first', 'session');
    }
    if (!securityToken || !safeEqual(s.securityToken, securityToken)) {
      throw new SoapFault('Client', 'XSV-350014 missing or wrong security token (X-Security-Token header)', 'session');
    }
    return s.login;
  }

  private expire(): void {
    const now = Date.now();
    for (const [k, s] of this.sessions) if (s.expiresAt < now) this.sessions.delete(k);
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
