// The Compose export: YAML any parser reads the same way, and a topology's services, networks,
// configs and limits as the docker runtime lays them out (documented ports, links direct).
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../profiles/schema.js';
import { topologyOptions } from '../run/run.js';
import { parseScenario } from '../scenario.js';
import { MODES } from '../topology/modes.js';
import { composeFile } from './compose.js';
import { toYaml } from './yaml.js';

describe('toYaml', () => {
  it('writes block YAML with every string quoted', () => {
    expect(toYaml({ a: 'yes', b: 1, c: ['80', { d: true }], e: {}, 'x y': [], f: 'two\nlines $x' })).toBe(
      ['a: "yes"', 'b: 1', 'c:', '  - "80"', '  - d: true', 'e: {}', '"x y": []', 'f: "two\\nlines $x"', ''].join('\n'),
    );
  });
});

describe('composeFile', () => {
  const topology = (mode: 'mid-sourcing' | 'on-premise') => MODES[mode](topologyOptions(parseScenario({ name: 't', mode })));

  it('mid-sourcing: one service per node, a network per site, the mid reached on port 80 across sites', () => {
    const c = composeFile(topology('mid-sourcing'), { image: 'midsim:abc', name: 'midsim-t' }) as Record<string, any>;
    expect(Object.keys(c.services).sort()).toEqual(topology('mid-sourcing').nodes.map((n) => n.name).sort());
    expect(Object.keys(c.networks).sort()).toEqual(['internet', 'marketing', 'mid']);
    expect(c.services['app-server'].networks).toEqual({ marketing: { aliases: ['app-server'] } });
    // The mid relay is on its own site's network and, as the far end of the SOAP link, on the marketing one.
    expect(Object.keys(c.services['mid-relay'].networks).sort()).toEqual(['marketing', 'mid']);
    expect(c.services['mid-relay'].expose).toEqual(expect.arrayContaining(['80', '443', '8080']));
    const web = JSON.parse(c.configs['app-server-config'].content.replace(/\$\$/g, '$')).web;
    expect(web.mid.soapUrl).toBe('http://mid-relay:80/');
    expect(web.db.url).toBe('postgres://postgres:midsim@marketing-db:5432/marketing');
    expect(c.services['app-server'].depends_on).toEqual({ 'marketing-db': { condition: 'service_healthy' } });
    expect(c.services['app-server'].configs).toEqual([{ source: 'app-server-config', target: '/config/app-server.json' }]);
    expect(c.services['marketing-db'].image).toBe('midsim:abc');
    expect(c.services['marketing-db'].deploy).toBeUndefined();
  });

  it('a profile becomes resource limits at the documented size, split between the nodes of a machine', () => {
    const profile = parseProfile({
      name: 'p',
      description: 'd',
      source: 's',
      machines: { app: { cpu: { cores: 4, ghz: 2 }, memoryMb: 4096, nodes: ['app-server', 'mta'] } },
    });
    const c = composeFile(topology('on-premise'), { image: 'i', name: 'n', profile }) as Record<string, any>;
    expect(c.services['app-server'].deploy).toEqual({ resources: { limits: { cpus: '2', memory: '2048M' } } });
    expect(c.services.mta.deploy).toEqual({ resources: { limits: { cpus: '2', memory: '2048M' } } });
    expect(c.services['marketing-db'].deploy).toBeUndefined();
  });
});
