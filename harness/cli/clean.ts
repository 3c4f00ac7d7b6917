// `midsim clean`: remove the containers and networks midsim runs left on the Docker engine (found
// by their labels), and with --images the cached midsim images too.
import { dockerClient, findLeftovers, removeLeftovers } from '../runtime/docker/cleanup.js';
import { InfrastructureError } from '../runtime/types.js';

export async function cleanCommand(o: { images?: boolean; run?: string; dryRun?: boolean }): Promise<number> {
  const docker = await dockerClient();
  const found = await findLeftovers(docker, { run: o.run, images: o.images });
  const lines = [
    ...found.containers.map((c) => `container ${c.id.slice(0, 12)} ${c.node} (run ${c.run}, ${c.state})`),
    ...found.networks.map((n) => `network ${n.name} (run ${n.run})`),
    ...found.images.map((i) => `image ${i.tags.join(', ') || i.id.slice(0, 19)}`),
  ];
  if (!lines.length) {
    console.log(`nothing to clean${o.run ? ` for run ${o.run}` : ''}`);
    return 0;
  }
  for (const l of lines) console.log(`${o.dryRun ? 'would remove' : 'removing'} ${l}`);
  if (o.dryRun) return 0;
  const { removed, failed } = await removeLeftovers(docker, found);
  console.log(`removed ${removed} of ${lines.length}`);
  if (failed.length) throw new InfrastructureError(`could not remove:\n  ${failed.join('\n  ')}`);
  return 0;
}
