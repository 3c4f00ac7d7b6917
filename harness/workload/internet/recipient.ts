// The recipients of the simulated Internet: some time after delivery, those the model says open
// load the open pixel of the HTML part, and those who click then fetch the first tracked link.
// Like a mail client, they do not follow the redirect: the status and Location are what the
// redirector answered, and the click is recorded either way.
import http from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import { FIRST_LINK_URL_ID, OPEN_URL_ID, decodeTrackingId } from '../../../reference-impl/common/tracking.js';
import type { EventBuffer } from './events.js';
import { DelayedWork } from './task-queue.js';

export interface TrackedUrl {
  url: string;
  urlId: number;
}

// http(s)://host[:port][/path]/r/?id=h<broadLogHex>,<deliveryHex>,<urlHex>
const TRACKED = /https?:\/\/[^\s"'<>]+?\/r\/\?id=([^\s"'<>&]+)/gi;

/** The tracked URLs of a message body, in document order. */
export function findTrackingUrls(body: string): TrackedUrl[] {
  const found: TrackedUrl[] = [];
  for (const m of body.replace(/&amp;/gi, '&').matchAll(TRACKED)) {
    let id: string;
    try {
      id = decodeURIComponent(m[1]);
    } catch {
      continue;
    }
    const t = decodeTrackingId(id);
    if (t) found.push({ url: m[0], urlId: t.urlId });
  }
  return found;
}

export interface Delivered {
  rcpt: string;
  index: number | null;
  html: string;
  text: string;
}

export interface RecipientsOptions {
  /** Wall-clock delay between delivery and the open. */
  delayMs: number;
  concurrency: number;
  timeoutMs: number;
  events: EventBuffer;
  log: Logger;
}

interface Fetched {
  status: number;
  location: string | null;
}

export class Recipients {
  private readonly work: DelayedWork;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(private readonly o: RecipientsOptions) {
    this.work = new DelayedWork(o.concurrency);
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: o.concurrency }),
      https: new https.Agent({ keepAlive: true, maxSockets: o.concurrency }),
    };
  }

  /** A delivered message: plan its open and click, as the model decided for this recipient. */
  delivered(m: Delivered, plan: { opens: boolean; clicks: boolean }): void {
    if (!plan.opens || this.work.stopped) return;
    // Keep only the two URLs, not the message, until the recipient acts.
    const urls = findTrackingUrls(`${m.html}\n${m.text}`);
    const pixel = urls.find((u) => u.urlId === OPEN_URL_ID) ?? null;
    const link = plan.clicks ? (urls.find((u) => u.urlId >= FIRST_LINK_URL_ID) ?? null) : null;
    const who = { rcpt: m.rcpt, index: m.index };
    this.work.after(this.o.delayMs, () =>
      this.work.push(async () => {
        await this.open(who, pixel);
        if (plan.clicks) await this.click(who, link);
      }),
    );
  }

  stats(): { scheduled: number; queued: number; inFlight: number } {
    return this.work.stats();
  }

  async stop(graceMs = 2000): Promise<void> {
    await this.work.stop(graceMs);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async open(who: { rcpt: string; index: number | null }, pixel: TrackedUrl | null): Promise<void> {
    if (!pixel) {
      this.o.events.push({ type: 'recipient.open', ...who, url: null, httpStatus: null, error: 'no open pixel in the message' });
      return;
    }
    try {
      const r = await this.get(pixel.url);
      this.o.events.push({ type: 'recipient.open', ...who, url: pixel.url, httpStatus: r.status });
    } catch (e) {
      this.o.events.push({ type: 'recipient.open', ...who, url: pixel.url, httpStatus: null, error: (e as Error).message });
    }
  }

  private async click(who: { rcpt: string; index: number | null }, link: TrackedUrl | null): Promise<void> {
    const base = { type: 'recipient.click' as const, ...who, url: link?.url ?? null, urlId: link?.urlId ?? null };
    if (!link) {
      this.o.events.push({ ...base, httpStatus: null, location: null, error: 'no tracked link in the message' });
      return;
    }
    try {
      const r = await this.get(link.url);
      this.o.events.push({ ...base, httpStatus: r.status, location: r.location });
    } catch (e) {
      this.o.events.push({ ...base, httpStatus: null, location: null, error: (e as Error).message });
    }
  }

  /** One GET, body discarded, redirect not followed. */
  private get(url: string): Promise<Fetched> {
    const secure = url.startsWith('https:');
    const request = secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: 'GET', agent: secure ? this.agents.https : this.agents.http, headers: { 'user-agent': 'midsim-recipient/1.0' } },
        (res) => {
          res.resume();
          res.once('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null }));
          res.once('error', reject);
        },
      );
      req.setTimeout(this.o.timeoutMs, () => req.destroy(new Error(`no answer within ${this.o.timeoutMs} ms`)));
      req.once('error', reject);
      req.end();
    });
  }
}
