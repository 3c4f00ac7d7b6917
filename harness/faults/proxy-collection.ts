// The set of proxies by name (Toxiproxy's proxy_collection.go): no duplicates, create, populate,
// remove, reset.
import { parseHostPort } from './address.js';
import { ErrMissingField, ErrProxyAlreadyExists, ErrProxyNotFound } from './api-error.js';
import { expectObject, optionalBoolean, optionalString } from './json-body.js';
import { Proxy } from './proxy.js';

/** A proxy as a client asks for it. */
export interface ProxyRequest {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  /** midsim extension: capture the bytes (needs the server's capture directory). */
  capture: boolean;
}

/** A create or populate body entry; `position` (1-based) names the entry of a populate. */
export function parseProxyRequest(value: unknown, position?: number): ProxyRequest {
  const body = expectObject(value, 'proxy');
  const at = position === undefined ? '' : ` at proxy ${position}`;
  const name = optionalString(body, 'name') ?? '';
  const listen = optionalString(body, 'listen') ?? '';
  const upstream = optionalString(body, 'upstream') ?? '';
  const enabled = optionalBoolean(body, 'enabled') ?? true;
  const capture = optionalBoolean(body, 'capture') ?? false;
  if (name === '') throw ErrMissingField.with(`name${at}`);
  if (upstream === '') throw ErrMissingField.with(`upstream${at}`);
  return { name, listen, upstream, enabled, capture };
}

export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  constructor(private readonly captureDir?: string) {}

  /** By name, the order of Toxiproxy's JSON (Go sorts map keys). */
  list(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw ErrProxyNotFound;
    return proxy;
  }

  async create(request: ProxyRequest): Promise<Proxy> {
    if (this.proxies.has(request.name)) throw ErrProxyAlreadyExists;
    const proxy = await this.started(request);
    this.proxies.set(proxy.name, proxy);
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.dispose();
  }

  /**
   * Create or replace each proxy; one with the same upstream and listen address is left as it is
   * (toxics and all), so populating twice is harmless. All entries are checked before any applies.
   */
  async populate(requests: ProxyRequest[]): Promise<Proxy[]> {
    const result: Proxy[] = [];
    for (const request of requests) {
      const existing = this.proxies.get(request.name);
      if (existing && sameAddresses(existing, request)) {
        result.push(existing);
        continue;
      }
      if (existing) {
        this.proxies.delete(existing.name);
        await existing.dispose();
      }
      const proxy = await this.started(request);
      this.proxies.set(proxy.name, proxy);
      result.push(proxy);
    }
    return result;
  }

  /** Enable every proxy and remove every toxic. */
  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      await proxy.start();
      proxy.removeAllToxics();
    }
  }

  async closeAll(): Promise<void> {
    const proxies = this.list();
    this.proxies.clear();
    await Promise.all(proxies.map((p) => p.dispose()));
  }

  private async started(request: ProxyRequest): Promise<Proxy> {
    const captureDir = request.capture ? this.captureDir : undefined;
    const proxy = new Proxy(request.name, request.listen, request.upstream, captureDir);
    try {
      if (request.enabled) await proxy.start();
    } catch (error) {
      await proxy.dispose();
      throw error;
    }
    return proxy;
  }
}

/**
 * Toxiproxy compares the addresses as written. Here a requested port 0 also matches the port the
 * proxy already picked, and "localhost" matches 127.0.0.1, so that a populate with ":0" addresses
 * can be repeated without moving the proxy.
 */
function sameAddresses(proxy: Proxy, request: ProxyRequest): boolean {
  if (proxy.upstream !== request.upstream) return false;
  if (proxy.listen === request.listen) return true;
  try {
    const current = parseHostPort(proxy.listen);
    const wanted = parseHostPort(request.listen);
    const sameHost = wanted.host === undefined ? current.host === '::' || current.host === '0.0.0.0' : wanted.host === current.host;
    return sameHost && (wanted.port === 0 || wanted.port === current.port);
  } catch {
    return false;
  }
}
