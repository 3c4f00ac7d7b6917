// What the docker runtime leaves behind when a run is killed before it can clean up (SIGKILL, a
// crash of the host process): its containers and networks carry midsim's labels, so they can be
// found and removed without knowing their ids. Images are kept unless asked (they are a cache).
import type Dockerode from 'dockerode';
import { InfrastructureError } from '../types.js';
import { LABEL, LABEL_RUN } from './labels.js';

export interface Leftovers {
  containers: { id: string; run: string; node: string; state: string }[];
  networks: { id: string; name: string; run: string }[];
  images: { id: string; tags: string[] }[];
}

/** The Docker client of the engine testcontainers finds (DOCKER_HOST, then the local socket). */
export async function dockerClient(): Promise<Dockerode> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    return (await getContainerRuntimeClient()).container.dockerode;
  } catch (e) {
    throw new InfrastructureError(`no Docker engine reachable (is dockerd running? DOCKER_HOST=${process.env.DOCKER_HOST ?? 'unset'}): ${(e as Error).message}`);
  }
}

const filter = (run?: string) => JSON.stringify({ label: [run ? `${LABEL_RUN}=${run}` : `${LABEL}=1`] });

/** Containers and networks of midsim (of one run, if given); images only when asked. */
export async function findLeftovers(docker: Dockerode, o: { run?: string; images?: boolean } = {}): Promise<Leftovers> {
  const containers = await docker.listContainers({ all: true, filters: filter(o.run) });
  const networks = await docker.listNetworks({ filters: filter(o.run) });
  const images = o.images ? await docker.listImages({ filters: JSON.stringify({ label: [`${LABEL}=1`] }) }) : [];
  return {
    containers: containers.map((c) => ({ id: c.Id, run: c.Labels[LABEL_RUN] ?? '', node: c.Labels['midsim.node'] ?? '', state: c.State })),
    networks: networks.map((n) => ({ id: n.Id, name: n.Name, run: n.Labels?.[LABEL_RUN] ?? '' })),
    images: images.map((i) => ({ id: i.Id, tags: i.RepoTags ?? [] })),
  };
}

/** Remove them: containers first (a network in use cannot go), then networks, then images. */
export async function removeLeftovers(docker: Dockerode, found: Leftovers): Promise<{ removed: number; failed: string[] }> {
  const failed: string[] = [];
  let removed = 0;
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      removed++;
    } catch (e) {
      const err = e as Error & { statusCode?: number };
      if (err.statusCode === 404) return; // gone already (its run stopped meanwhile)
      failed.push(`${what}: ${err.message}`);
    }
  };
  await Promise.all(found.containers.map((c) => attempt(`container ${c.id.slice(0, 12)}`, () => docker.getContainer(c.id).remove({ force: true, v: true }))));
  for (const n of found.networks) await attempt(`network ${n.name}`, () => docker.getNetwork(n.id).remove());
  for (const i of found.images) await attempt(`image ${i.tags.join(',') || i.id}`, () => docker.getImage(i.id).remove({ force: true }));
  return { removed, failed };
}
