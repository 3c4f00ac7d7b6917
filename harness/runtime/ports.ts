import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A TCP port free on loopback right now (the kernel picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.unref();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** The kernel's ephemeral port range: ports it hands out to port-0 listeners and outgoing connections. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    /* not Linux */
  }
  return [32768, 60999];
}

const handedOut = new Set<number>();

/**
 * A port for a node to listen on later. It is taken below the kernel's ephemeral range, so that no
 * port-0 listener or outgoing connection can take it before the node binds it; randomised so that
 * concurrent runs rarely pick the same one (the runtime retries a node that still finds it taken).
 */
export async function reservePort(host = '127.0.0.1'): Promise<number> {
  const [lo] = ephemeralRange();
  const from = 10_000;
  if (lo - from < 2000) return freePort(host);
  for (let i = 0; i < 200; i++) {
    const port = from + Math.floor(Math.random() * (lo - from));
    if (handedOut.has(port)) continue;
    if (await bindable(port, host)) {
      handedOut.add(port);
      if (handedOut.size > 5000) handedOut.clear();
      return port;
    }
  }
  return freePort(host);
}
