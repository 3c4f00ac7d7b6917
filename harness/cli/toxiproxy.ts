import { startFaultProxy } from '../faults/server.js';
import { onInterrupt } from '../run/interrupt.js';

/** midsim's fault proxy on its own, until Ctrl-C: a drop-in for toxiproxy-server. */
export async function toxiproxyCommand(o: { host: string; port: number }): Promise<void> {
  const server = await startFaultProxy({ host: o.host, port: o.port });
  console.log(`fault proxy (Toxiproxy API) listening on ${server.url}`);
  onInterrupt(() => server.close());
  await new Promise(() => {});
}
