// `midsim export --format compose`: the topology of a scenario and mode as a Docker Compose file,
// to run the same deployment on real hosts or a Swarm (docs/docker.md).
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { composeFile } from '../export/compose.js';
import { toYaml } from '../export/yaml.js';
import { loadProfile } from '../profiles/load.js';
import { loadScenario } from '../run/scenarios.js';
import { topologyOptions } from '../run/run.js';
import { IMAGE_REPO, imageInputs } from '../runtime/docker/image.js';
import { MODES } from '../topology/modes.js';

export interface ExportFlags {
  format: string;
  scenario: string;
  mode?: string;
  profile?: string;
  image?: string;
  out?: string;
}

export async function exportCommand(f: ExportFlags): Promise<number> {
  if (f.format !== 'compose') throw new ConfigError(`--format must be "compose", got "${f.format}"`);
  const scenario = await loadScenario(f.scenario, { mode: f.mode });
  const mode = MODES[scenario.mode];
  if (!mode) throw new ConfigError(`unknown mode "${scenario.mode}" (modes: ${Object.keys(MODES).join(', ')})`);
  const topology = mode(topologyOptions(scenario));
  const profile = f.profile === undefined ? undefined : loadProfile(f.profile);
  // The image the docker runtime builds for this build of midsim (or one from docker/Dockerfile).
  const image = f.image ?? `${IMAGE_REPO}:${imageInputs().hash}`;
  const name = `midsim-${scenario.name}-${scenario.mode}`.replace(/[^a-z0-9_-]/g, '-');
  const header =
    `# midsim ${scenario.name}, ${scenario.mode} mode: one service per node, one network per site.\n` +
    `# Image ${image}: built by "midsim run --runtime docker" on this host, or from docker/Dockerfile.\n` +
    `# Links are direct (no fault proxy). Run: docker compose -f <this file> up -d\n`;
  const yaml = header + toYaml(composeFile(topology, { image, name, profile }));
  if (f.out) {
    writeFileSync(f.out, yaml);
    console.error(`wrote ${f.out}`);
  } else process.stdout.write(yaml);
  return 0;
}
