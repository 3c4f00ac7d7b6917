#!/usr/bin/env node
// npx midsim: the built CLI (npm install builds it through the `prepare` script).
import('../dist/harness/cli/entry.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist')) {
    console.error('midsim is not built yet: run `npm run build` (npm install does it through `prepare`).');
    process.exit(3);
  }
  throw e;
});
