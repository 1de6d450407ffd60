// The privacy center from the person's side, in the browser against the real server: the
// download contains the conversation; after erasure the old token no longer resumes anything.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const h = require('./lib');
const { checkAccessibility } = require('./a11y');

const skip = h.missingPrerequisite() ||
  (fs.existsSync(path.join(h.ROOT, 'web', 'privacy.html')) ? false : 'no web/privacy.html');

test('"Download my data" gives a JSON file with the whole conversation', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  await h.consent(page, server.url);
  await h.say(page, 'export me: my sister and I had a fight');
  await h.say(page, 'export me too: I feel bad about it');
  const shown = await h.messages(page);

  await page.getByRole('link', { name: /privacy/i }).click();
  const button = page.getByRole('button', { name: 'Download my data' });
  await button.waitFor();
  assert.deepEqual(await checkAccessibility(page), [], 'the privacy center passes the check');
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  assert.match(download.suggestedFilename(), /^haven-export-.*\.json$/);
  const doc = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(doc.schema, 'haven.export.v1');
  assert.equal(doc.conversations.length, 1);
  const exported = doc.conversations[0].messages.map((m) => ({ role: m.role, text: m.text, seq: m.seq }));
  assert.deepEqual(exported, shown, 'the export has what the page showed, in order');
  assert.deepEqual(page.problems, []);
});

test('erasure: the chat page is told, and the old token no longer resumes', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const browser = await h.launchBrowser(t);
  const chat = await h.openPage(browser);
  await h.consent(chat, server.url);
  await h.say(chat, 'erase me: a secret about my job');
  const token = await chat.evaluate(() => localStorage.getItem('haven.token'));
  assert.match(token, /^[0-9a-f]{64}$/);

  // The privacy center in a second tab of the same browser profile, the chat still open.
  const privacy = h.watch(await chat.context().newPage());
  await privacy.goto(server.url + 'privacy.html');
  await privacy.getByRole('button', { name: /Erase everything/ }).click();
  await privacy.getByRole('button', { name: 'Yes, erase everything' }).click();
  await privacy.getByRole('heading', { name: 'Everything is erased' }).waitFor();

  // The open chat learns it at once: its log is cleared and it offers a new start.
  await chat.getByRole('button', { name: 'Start a new conversation' }).waitFor();
  assert.match(await chat.locator('#restart').textContent(), /erased/);
  assert.equal(await chat.locator('#log > li').count(), 0);
  assert.equal(await chat.evaluate(() => localStorage.getItem('haven.token')), null);

  // Someone holding the old token (a copy of the browser profile, say) gets nothing back.
  const other = await h.openPage(browser);
  await other.goto(server.url);
  const answer = await other.evaluate((tok) => new Promise((resolve) => {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws');
    ws.onopen = () => ws.send(JSON.stringify({ v: 1, type: 'hello', token: tok }));
    ws.onmessage = (e) => { resolve(JSON.parse(e.data)); ws.close(); };
  }), token);
  assert.equal(answer.type, 'error');
  assert.equal(answer.code, 'auth_failed');
  await other.evaluate((tok) => {
    localStorage.setItem('haven.consent', 'v1');
    localStorage.setItem('haven.token', tok);
  }, token);
  await other.reload();
  await other.getByRole('button', { name: 'Start a new conversation' }).waitFor();
  assert.equal(await other.locator('#log > li').count(), 0, 'no history comes back');
  for (const p of [chat, privacy, other]) assert.deepEqual(p.problems, []);
});

test('the privacy center without a conversation says so and creates nothing', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t), { viewport: { width: 390, height: 844 } });
  await page.goto(server.url + 'privacy.html');
  await page.getByRole('heading', { name: 'Nothing here yet' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('haven.token')), null);
  // Crisis help is one tap away here too: the header link jumps to the lines.
  await page.getByRole('link', { name: 'Crisis help now' }).click();
  await page.getByRole('link', { name: '988' }).waitFor();
  assert.ok(await page.getByRole('heading', { name: 'If you are in danger right now' }).isVisible());
  const [scroll, client] = await page.evaluate(() =>
    [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client, 'no sideways scrolling on a phone');
  assert.deepEqual(await checkAccessibility(page), []);
  assert.deepEqual(page.problems, []);
});
