// The local control port (the product's 8005): health and a few gauges, so that the runtime can
// wait for a module to be ready and the harness can read queue depths without touching memory.
import { createServer, type Server } from 'node:http';

export interface ControlHandlers {
  health?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  metrics?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
}

export function startControl(host: string, port: number, module: string, h: ControlHandlers): Promise<Server> {
  const server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0];
      let body: Record<string, unknown>;
      if (path === '/health') body = { status: 'ok', module, pid: process.pid, ...(await h.health?.()) };
      else if (path === '/metrics') body = { module, ...(await h.metrics?.()) };
      else {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } catch (e) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', error: (e as Error).message }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
