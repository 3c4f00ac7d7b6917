import { defineConfig } from 'vitest/config';

// Test files live beside the code they test:
//   *.test.ts            unit: pure logic, no network, no processes
//   *.int.test.ts        integration: real modules, real PostgreSQL, real SMTP/HTTP on loopback
//   *.browser.test.ts    browser: Playwright driving Debian's Chromium
//   *.containers.test.ts containers: the docker runtime (needs a Docker engine)
const src = ['reference-impl/**', 'harness/**', 'scenarios/**', 'bench/**'];
const under = (suffix: string) => src.map((d) => `${d}/*${suffix}`);

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: under('.test.ts'),
          exclude: [...under('.int.test.ts'), ...under('.browser.test.ts'), ...under('.containers.test.ts')],
        },
      },
      { test: { name: 'integration', include: under('.int.test.ts'), testTimeout: 180_000, hookTimeout: 120_000 } },
      { test: { name: 'browser', include: under('.browser.test.ts'), testTimeout: 180_000, hookTimeout: 120_000 } },
      {
        // One file at a time: the throughput comparisons must not share the cores with another run.
        test: { name: 'containers', include: under('.containers.test.ts'), testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false },
      },
    ],
  },
});
