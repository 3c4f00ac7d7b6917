// The harness's handle on a fault proxy, a thin layer over toxiproxy-node-client. It works the
// same against midsim's fault proxy and a real Toxiproxy (TOXIPROXY_URL); only stats() needs
// midsim's /stats extension and answers null elsewhere.
import { Proxy as ClientProxy, Toxiproxy, type ICreateProxyBody, type ICreateToxicBody, type ToxicType } from 'toxiproxy-node-client';
import type { ProxyStatsJson } from './metrics.js';

export type { ProxyStatsJson } from './metrics.js';

export interface LinkProxy {
  name: string;
  /** The proxy's real listen address ("127.0.0.1:41234"): where the link's client connects. */
  listen: string;
  upstream: string;
  enabled: boolean;
}

export interface ToxicRequest {
  type: ToxicType;
  /** Default `<type>_<stream>`. */
  name?: string;
  /** upstream: client -> server; downstream (default): server -> client. */
  stream?: 'upstream' | 'downstream';
  /** Probability (0..1) that the toxic applies to a connection; default 1. */
  toxicity?: number;
  attributes: Record<string, number>;
}

export interface ToxicInfo extends Required<Omit<ToxicRequest, 'type'>> {
  type: string;
}

export class FaultClient {
  readonly toxiproxy: Toxiproxy;

  constructor(readonly url: string) {
    this.url = url.replace(/\/+$/, '');
    this.toxiproxy = new Toxiproxy(this.url);
  }

  /**
   * A proxy in front of `upstream` ("host:port"), listening on `listen` (default: a free loopback
   * port, reported back). `capture` asks midsim's fault proxy to record the bytes; Toxiproxy ignores it.
   */
  async createProxy(link: { name: string; upstream: string; listen?: string; capture?: boolean }): Promise<LinkProxy> {
    const body = { name: link.name, upstream: link.upstream, listen: link.listen ?? '127.0.0.1:0', enabled: true };
    const extended = link.capture ? { ...body, capture: true } : body;
    return info(await this.toxiproxy.createProxy(extended as ICreateProxyBody));
  }

  async getProxy(name: string): Promise<LinkProxy> {
    return info(await this.toxiproxy.get(encodeURIComponent(name)));
  }

  async deleteProxy(name: string): Promise<void> {
    await this.toxiproxy.getApi().delete(this.proxyUrl(name));
  }

  async addToxic(proxyName: string, toxic: ToxicRequest): Promise<ToxicInfo> {
    const body = { stream: 'downstream', toxicity: 1, ...toxic } as ICreateToxicBody<Record<string, number>>;
    const created = await this.handle(proxyName).addToxic(body);
    const { name, type, stream, toxicity, attributes } = created.toJson();
    return { name, type, stream, toxicity, attributes };
  }

  async removeToxic(proxyName: string, toxicName: string): Promise<void> {
    await this.toxiproxy.getApi().delete(`${this.proxyUrl(proxyName)}/toxics/${encodeURIComponent(toxicName)}`);
  }

  /** Point a proxy at another upstream ("host:port"); open connections keep their old one. */
  async setUpstream(proxyName: string, upstream: string): Promise<LinkProxy> {
    const proxy = await this.toxiproxy.get(encodeURIComponent(proxyName));
    return info(await proxy.update({ enabled: proxy.enabled, listen: proxy.listen, upstream }));
  }

  /** Take the link down (connections dropped, new ones refused) or bring it back. */
  async setEnabled(proxyName: string, enabled: boolean): Promise<LinkProxy> {
    const proxy = await this.toxiproxy.get(encodeURIComponent(proxyName));
    return info(await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream }));
  }

  /** Enable every proxy and remove every toxic. */
  async reset(): Promise<void> {
    await this.toxiproxy.reset();
  }

  /** Bytes and connections per proxy (midsim's /stats); null from a server without it. */
  async stats(): Promise<Record<string, ProxyStatsJson> | null> {
    const response = await fetch(`${this.url}/stats`);
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    return (await response.json()) as Record<string, ProxyStatsJson>;
  }

  private proxyUrl(name: string): string {
    return `${this.url}/proxies/${encodeURIComponent(name)}`;
  }

  /** A client-side proxy object for one call, without fetching it first. */
  private handle(name: string): ClientProxy {
    return new ClientProxy(this.toxiproxy, { name: encodeURIComponent(name), listen: '', upstream: '', enabled: true, toxics: [] });
  }
}

function info(proxy: ClientProxy): LinkProxy {
  return { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream, enabled: proxy.enabled };
}
