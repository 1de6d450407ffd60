// The chat page carries a copy of data/crisis/resources.json so that the crisis panel shows the
// locale's lines before any reply; the copy must stay equal to the source.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');

const ROOT = path.resolve(__dirname, '..', '..');

test('web/chat.js has the crisis resources of data/crisis/resources.json', () => {
  const js = fs.readFileSync(path.join(ROOT, 'web', 'chat.js'), 'utf8');
  const m = js.match(/\/\/ BEGIN crisis resources[^\n]*\n(?:\s*\/\/[^\n]*\n)*\s*const CRISIS = (.*);\n\s*\/\/ END crisis resources/);
  assert.ok(m, 'the CRISIS block is in web/chat.js');
  const source = JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'crisis', 'resources.json'), 'utf8'));
  assert.deepEqual(JSON.parse(m[1]), source,
    'regenerate it: python3 -c "import json; print(json.dumps(json.load(open(\'data/crisis/resources.json\')), ensure_ascii=False, separators=(\',\',\':\')))"');
});
