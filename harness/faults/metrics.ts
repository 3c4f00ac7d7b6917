// What the proxies counted: GET /metrics in Prometheus text with Toxiproxy's own metric names
// (METRICS.md, collectors/proxy.go), and GET /stats as JSON (a midsim extension).
import type { Proxy } from './proxy.js';

const DIRECTIONS = ['upstream', 'downstream'] as const;

const COUNTERS = [
  {
    name: 'toxiproxy_proxy_received_bytes_total',
    help: 'The total number of bytes received on a given proxy link in a given direction',
    value: (p: Proxy, d: (typeof DIRECTIONS)[number]) => p.stats[d].received,
  },
  {
    name: 'toxiproxy_proxy_sent_bytes_total',
    help: 'The total number of bytes sent on a given proxy link in a given direction',
    value: (p: Proxy, d: (typeof DIRECTIONS)[number]) => p.stats[d].sent,
  },
];

/**
 * Prometheus text exposition. Unlike Toxiproxy, which adds bytes when a connection ends, the
 * counters here are live; a deleted proxy's series disappear with it.
 */
export function prometheusText(proxies: readonly Proxy[]): string {
  const lines: string[] = [];
  for (const counter of COUNTERS) {
    lines.push(`# HELP ${counter.name} ${counter.help}`, `# TYPE ${counter.name} counter`);
    for (const proxy of proxies) {
      for (const direction of DIRECTIONS) {
        const labels = `direction="${label(direction)}",listener="${label(proxy.listen)}",proxy="${label(proxy.name)}",upstream="${label(proxy.upstream)}"`;
        lines.push(`${counter.name}{${labels}} ${counter.value(proxy, direction)}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Per proxy, per direction: bytes delivered (after toxics) and bytes received; connections. */
export interface ProxyStatsJson {
  upstream: { bytes: number; receivedBytes: number };
  downstream: { bytes: number; receivedBytes: number };
  connections: { total: number; active: number };
}

export function statsJson(proxies: readonly Proxy[]): Record<string, ProxyStatsJson> {
  const result: Record<string, ProxyStatsJson> = {};
  for (const p of proxies) {
    const { upstream, downstream, connections } = p.stats;
    result[p.name] = {
      upstream: { bytes: upstream.sent, receivedBytes: upstream.received },
      downstream: { bytes: downstream.sent, receivedBytes: downstream.received },
      connections: { ...connections },
    };
  }
  return result;
}
