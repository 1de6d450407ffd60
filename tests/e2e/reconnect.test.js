// The server goes away (SIGKILL, as a crash would) and comes back on the same port with the same
// data: the page reconnects by itself, resumes, and delivers what was typed meanwhile, once.
'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');
const h = require('./lib');

const skip = h.missingPrerequisite() || false;

test('the page survives a server restart: resume, nothing lost, nothing twice', { skip }, async (t) => {
  const dirs = h.serverDirs(t);
  let server = await h.startServer(t, dirs);
  const { url, port } = server;
  const page = await h.openPage(await h.launchBrowser(t));
  await h.consent(page, url);
  await h.say(page, 'before the crash: work was rough today');
  const before = await h.messages(page);

  await server.stop('SIGKILL');
  await h.waitStatus(page, /Connection lost/);
  // Typed while the server is down: shown at once as being sent.
  await page.locator('#text').fill('while it was down: are you still there?');
  await page.locator('#text').press('Enter');
  await page.locator('#log > li.pending').waitFor();
  assert.match(await page.locator('#log > li.pending').textContent(), /Sending/);

  // Every status the page shows from now on: "Welcome back" lasts only until the reply to the
  // message sent on resume clears it, which on a fast build can be within one polling frame.
  await page.evaluate(() => {
    const status = document.getElementById('status');
    window.statusSeen = [];
    new MutationObserver(() => window.statusSeen.push(status.textContent))
      .observe(status, { childList: true, characterData: true, subtree: true });
  });
  server = await h.startServer(t, dirs, port);
  // The page retries with backoff (up to 12.5 s apart): wait for it generously.
  await page.locator('#log li.assistant').nth(1).waitFor({ timeout: 120000 });
  assert.ok((await page.evaluate(() => window.statusSeen)).some((s) => /Welcome back/.test(s)),
    'the page resumed its conversation');
  await page.waitForFunction(() => !document.querySelector('#log li.pending'));
  const after = await h.messages(page);
  assert.deepEqual(after.slice(0, before.length), before);
  assert.deepEqual(after.map((m) => m.role), ['user', 'assistant', 'user', 'assistant']);
  assert.equal(after[2].text, 'while it was down: are you still there?');
  h.assertOrderedOnce(after);

  // What the server has matches what the page shows.
  await page.reload();
  await h.waitStatus(page, /Welcome back/);
  await page.waitForFunction((n) => document.querySelectorAll('#log > li').length >= n, after.length);
  assert.deepEqual(await h.messages(page), after);
  assert.deepEqual(page.problems, []);
});
