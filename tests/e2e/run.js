#!/usr/bin/env node
// Runs Haven's browser end-to-end tests (every *.test.js here, one file at a time) with node's
// test runner, or exits 77 (ctest's SKIP_RETURN_CODE) saying why they cannot run here.
//   HAVEN_BIN=build/dev/cli/haven node tests/e2e/run.js [file.test.js ...]
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { missingPrerequisite } = require('./lib');

const why = missingPrerequisite();
if (why) {
  console.log('SKIP browser end-to-end tests: ' + why);
  process.exit(77);
}
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()
    .map((f) => path.join(__dirname, f));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files],
  { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
