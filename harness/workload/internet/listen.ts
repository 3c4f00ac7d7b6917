import type { AddressInfo, Server } from 'node:net';

/** Listen on host:port (0 = a free port picked by the kernel) and say where it ended up. */
export function listenOn(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ host, port: (server.address() as AddressInfo).port });
    });
  });
}
