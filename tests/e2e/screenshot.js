#!/usr/bin/env node
// Makes docs/images/chat.png: the chat page mid-conversation at 1280x800, against a real server
// in a temp directory.   HAVEN_BIN=build/dev/cli/haven node tests/e2e/screenshot.js [out.png]
'use strict';

const path = require('node:path');
const { test } = require('node:test');
const h = require('./lib');

const out = process.argv[2] || path.join(h.ROOT, 'docs', 'images', 'chat.png');

test('screenshot of the chat page', { skip: h.missingPrerequisite() || false }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t), { viewport: { width: 1280, height: 800 } });
  await h.consent(page, server.url);
  await page.getByRole('button', { name: 'I have written it down' }).click();
  await page.getByRole('button', { name: 'Low', exact: true }).click();
  await page.locator('#log li.assistant').first().waitFor();
  await h.say(page, "my exams start next week and I can't sleep, I keep thinking I'll fail");
  await h.say(page, 'I have been revising every night but nothing sticks');
  await page.locator('#text').fill('maybe I need a break');
  await page.locator('#text').blur();
  await page.screenshot({ path: out });
  console.log('wrote ' + out);
});
