#!/usr/bin/env node
// Runs the TypeScript CLI, so a clone needs no build step. The command definitions load through
// tsx's in-thread CommonJS hook, which starts fast; the full ES module loader (a worker thread)
// is installed only when a command is about to run, so `--help` and `--version` answer at once.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { version } = require('../package.json');
const { register } = require('tsx/cjs/api');

const unregister = register();
const { runCli } = require('../src/cli/main.ts');
let loading;
const loadTypeScript = () => {
  loading ??= import('tsx/esm/api').then((tsx) => {
    unregister();
    tsx.register();
  });
  return loading;
};
await runCli(process.argv, { version, loadTypeScript });
