// The marketing instance's SOAP client to the mid-sourcing server: logs on as the `mid` operator,
// keeps the session and security tokens, logs on again when the mid has forgotten the session
// (restart), and retries what the network or the mid's own failures interrupted.
import type { Logger } from '../common/log.js';
import { parseResponse, requestEnvelope, SOAP_PATH, SoapFault, text, type XmlNode } from '../common/soap.js';
import { SESSION_SCHEMA } from '../common/mid-api.js';

export interface MidClientOptions {
  soapUrl: string;
  login: string;
  password: string;
  timeoutMs: number;
  /** Wall-clock back-off between attempts; the last one repeats. */
  retryDelaysMs: number[];
  log: Logger;
}

/** Raised when a call cannot succeed by retrying (a Client fault other than an expired session). */
export class MidRefused extends Error {}

export class MidClient {
  private session: { sessionToken: string; securityToken: string } | null = null;
  private logonInFlight: Promise<void> | null = null;
  private stopped = false;
  private readonly url: string;
  /** Round trips of successful calls, for the probes (ms). */
  lastRoundTripMs = 0;

  constructor(private readonly o: MidClientOptions) {
    this.url = new URL(SOAP_PATH, o.soapUrl).toString();
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Call `schema#method`. With `retry` (delivery parts), retry with back-off until it succeeds, the
   * mid refuses it for good, or stop(). Without (sync workflows), one attempt: the workflow's next
   * period is the retry. Either way a forgotten session (the mid restarted) means one new Logon.
   */
  async call(schema: string, method: string, params: XmlNode, opts: { retry: boolean; onAttempt?: () => Promise<void> } = { retry: true }): Promise<XmlNode> {
    let relogons = 0;
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) throw new Error('mid client stopped');
      try {
        await this.ensureSession();
        await opts.onAttempt?.();
        return await this.post(schema, method, { sessiontoken: this.session!.sessionToken, ...params });
      } catch (e) {
        if (e instanceof SoapFault && e.code === 'Client') {
          if (e.detail !== 'session') throw new MidRefused(`${schema}#${method} refused by the mid: ${e.message}`);
          this.session = null;
          if (relogons++ < 1) {
            attempt--;
            continue;
          }
        }
        if (!opts.retry) throw e;
        const delays = this.o.retryDelaysMs;
        const wait = delays[Math.min(attempt, delays.length - 1)];
        this.o.log.warn({ method, attempt: attempt + 1, err: (e as Error).message, retryInMs: wait }, 'SOAP call failed, will retry');
        await sleep(wait);
      }
    }
  }

  private async ensureSession(): Promise<void> {
    if (this.session) return;
    this.logonInFlight ??= (async () => {
      try {
        const r = await this.post(SESSION_SCHEMA, 'Logon', { sessiontoken: '', strLogin: this.o.login, strPassword: this.o.password, elemParameters: '' });
        this.session = { sessionToken: text(r.pstrSessionToken), securityToken: text(r.pstrSecurityToken) };
        this.o.log.info({ login: this.o.login }, 'logged on to the mid-sourcing server');
      } catch (e) {
        if (e instanceof SoapFault && e.code === 'Client') throw new MidRefused(`Logon refused: ${e.message}`);
        throw e;
      } finally {
        this.logonInFlight = null;
      }
    })();
    await this.logonInFlight;
  }

  private async post(schema: string, method: string, params: XmlNode): Promise<XmlNode> {
    const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8', soapaction: `${schema}#${method}` };
    if (this.session && method !== 'Logon') {
      headers['x-security-token'] = this.session.securityToken;
      headers.cookie = `__sessiontoken=${this.session.sessionToken}`;
    }
    const t0 = performance.now();
    const res = await fetch(this.url, {
      method: 'POST',
      headers,
      body: requestEnvelope(schema, method, params),
      signal: AbortSignal.timeout(this.o.timeoutMs),
    });
    const body = await res.text();
    if (!body.includes('Envelope')) throw new Error(`HTTP ${res.status} from the mid without a SOAP envelope`);
    const out = parseResponse(body);
    this.lastRoundTripMs = performance.now() - t0;
    return out;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
