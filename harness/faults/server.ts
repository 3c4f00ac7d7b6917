// midsim's fault proxy: a drop-in for toxiproxy-server (same HTTP API), started in-process.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiHandler } from './api.js';
import { ProxyCollection } from './proxy-collection.js';

export interface FaultProxyOptions {
  /** API address; default 127.0.0.1. */
  host?: string;
  /** API port; default 8474 (Toxiproxy's), 0 for any free port. */
  port?: number;
  /** Where proxies created with "capture": true write their bytes. */
  captureDir?: string;
}

export interface FaultProxyServer {
  /** Base URL of the API, e.g. http://127.0.0.1:8474. */
  url: string;
  host: string;
  port: number;
  /** Stop the API, every proxy listener and every connection. */
  close(): Promise<void>;
}

export const DEFAULT_API_PORT = 8474;

export async function startFaultProxy(opts: FaultProxyOptions = {}): Promise<FaultProxyServer> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.captureDir !== undefined) mkdirSync(opts.captureDir, { recursive: true });
  const collection = new ProxyCollection(opts.captureDir);
  const http = createServer(createApiHandler(collection));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? DEFAULT_API_PORT, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await collection.closeAll();
        await stopped;
      })();
      return closing;
    },
  };
}
