// The SOAP round trip of the link from the marketing instance to the mid, measured the way the
// instance sees it: an authenticated call through the link, every interval. A call that fails or
// times out (a blocked link) is recorded as such.
import { DELIVERY_SCHEMA } from '../../reference-impl/common/mid-api.js';
import { requestEnvelope, parseResponse, SOAP_PATH } from '../../reference-impl/common/soap.js';
import type { Address } from '../topology/types.js';
import type { HistoryWriter } from './history.js';
import { MID_OPERATOR } from '../topology/options.js';

export class SoapRttProbe {
  private timer: NodeJS.Timeout | null = null;
  private session: { token: string; security: string } | null = null;
  private inFlight = false;

  constructor(
    private readonly link: Address,
    private readonly history: HistoryWriter,
    private readonly intervalMs = 1000,
    private readonly timeoutMs = 5000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
  }

  /** One measured call (after a Logon, which is not measured). */
  async measure(): Promise<number> {
    const url = `http://${this.link.host}:${this.link.port}${SOAP_PATH}`;
    const post = async (schema: string, method: string, params: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `${schema}#${method}`, ...headers },
        body: requestEnvelope(schema, method, params),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return parseResponse(await r.text());
    };
    if (!this.session) {
      const r = await post('xtk:session', 'Logon', { sessiontoken: '', strLogin: MID_OPERATOR.login, strPassword: MID_OPERATOR.password });
      this.session = { token: String(r.pstrSessionToken), security: String(r.pstrSecurityToken) };
    }
    const t0 = performance.now();
    try {
      await post(DELIVERY_SCHEMA, 'GetDeliveryCounters', { sessiontoken: this.session.token, instance: 'rtt-probe', deliveries: '' }, { 'x-security-token': this.session.security });
    } catch (e) {
      this.session = null; // the mid may have restarted and forgotten the session
      throw e;
    }
    return performance.now() - t0;
  }

  private async probe(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      this.history.append({ type: 'probe.soap', ok: true, rttMs: Math.round((await this.measure()) * 10) / 10 });
    } catch (e) {
      this.history.append({ type: 'probe.soap', ok: false, error: (e as Error).message });
    } finally {
      this.inFlight = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
