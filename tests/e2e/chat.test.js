// Chatting in the browser against the real server: replies in the live region, the typing
// indicator, the crisis reply, "talk to a person", the mood check-in, and resume after a reload
// or a dropped socket (history exactly once, in order).
'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');
const h = require('./lib');

const skip = h.missingPrerequisite() || false;

// Puts the page's WebSocket through playwright so that a test can hold back server frames of a
// type, or cut the connection, as a flaky network would. Call before the page opens /ws.
async function intercept(page) {
  const ctl = { sockets: [], held: [], holdTypes: new Set(), sent: [] };
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    const entry = { ws, server };
    ctl.sockets.push(entry);
    ws.onMessage((m) => { ctl.sent.push(JSON.parse(m)); server.send(m); });
    server.onMessage((m) => {
      if (ctl.holdTypes.has(JSON.parse(m).type)) ctl.held.push([ws, m]);
      else ws.send(m);
    });
    ws.onClose(() => server.close());
    server.onClose(() => ws.close());
  });
  ctl.hold = (type) => ctl.holdTypes.add(type);
  ctl.release = () => {
    ctl.holdTypes.clear();
    for (const [ws, m] of ctl.held.splice(0)) ws.send(m);
  };
  ctl.drop = async () => {
    const last = ctl.sockets[ctl.sockets.length - 1];
    await last.ws.close({ reason: 'test drops the connection' });
  };
  return ctl;
}

test('a message gets a reply in the live region, with a typing indicator meanwhile', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  const net = await intercept(page);
  await h.consent(page, server.url);

  net.hold('reply');
  await page.locator('#text').fill('my boss yelled at me again and I cannot sleep');
  await page.getByRole('button', { name: 'Send' }).click();
  // Acknowledged (committed) but not yet answered: the message is confirmed and Haven "writes".
  await page.waitForFunction(() => document.getElementById('typing').textContent.includes('Haven is writing'));
  await page.waitForFunction(() => !document.querySelector('#log li.pending'));
  assert.equal(await page.locator('#log li.assistant').count(), 0);
  net.release();

  const reply = page.locator('#log[aria-live=polite] li.assistant').first();
  await reply.waitFor();
  assert.match(await reply.locator('.who').textContent(), /Haven \(AI\)/);
  assert.ok((await reply.locator('.text').textContent()).length > 10);
  await page.waitForFunction(() => document.getElementById('typing').textContent === '');
  const list = await h.messages(page);
  assert.deepEqual(list.map((m) => m.role), ['user', 'assistant']);
  assert.equal(list[0].text, 'my boss yelled at me again and I cannot sleep');
  h.assertOrderedOnce(list);
  assert.deepEqual(page.problems, []);
});

test('a risky message brings the crisis reply with crisis lines for the locale', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t), { locale: 'en-GB' });
  await h.consent(page, server.url);
  const reply = await h.say(page, "I can't go on, I want to kill myself tonight");
  const text = await reply.textContent();
  assert.match(text, /Samaritans/);
  assert.equal(await reply.locator('ul.lines a[href="tel:116123"]').count(), 1, 'a tap-to-call link');
  // The crisis panel opens with the server's lines, and the button stays in view.
  await page.locator('#crisis-panel').waitFor();
  assert.match(await page.locator('#crisis-lines').textContent(), /Samaritans/);
  assert.match(await page.locator('#crisis-emergency').textContent(), /999/);
  assert.match(await page.locator('#status').textContent(), /person from the team/);
  assert.ok(await page.getByRole('button', { name: 'Crisis help now' }).isVisible());
  assert.deepEqual(page.problems, []);
});

test('"talk to a person" and the mood check-in', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  await h.consent(page, server.url);

  // The check-in is offered at the start of a new conversation; it is optional.
  const mood = page.getByRole('group', { name: /Mood check-in/ });
  await mood.waitFor();
  await mood.getByRole('button', { name: 'Low', exact: true }).click();
  assert.ok(await mood.isHidden());
  await page.locator('#log li.assistant').first().waitFor();
  let list = await h.messages(page);
  assert.equal(list[0].text, 'Right now I feel low.');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'text');
  // And again on request.
  await page.getByRole('button', { name: 'Mood check-in' }).click();
  assert.equal(await page.getByRole('button', { name: 'Mood check-in' }).getAttribute('aria-expanded'), 'true');
  await mood.getByRole('button', { name: 'Not now' }).click();
  assert.ok(await mood.isHidden());

  await page.getByRole('button', { name: 'Talk to a person' }).click();
  await page.locator('#log li.assistant').nth(1).waitFor();
  list = await h.messages(page);
  assert.equal(list[2].text, 'I would like to talk to a person, please.');
  assert.match(list[3].text, /person/);
  assert.match(await page.locator('#status').textContent(), /asked a person from the team to join/);
  h.assertOrderedOnce(list);
  assert.deepEqual(page.problems, []);
});

test('a reload resumes the conversation: history exactly once, in order', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  await h.consent(page, server.url);
  for (const text of ['first: school is a lot', 'second: my friends are distant', 'third: thanks'])
    await h.say(page, text);
  const before = await h.messages(page);
  assert.equal(before.length, 6);
  h.assertOrderedOnce(before);

  await page.reload();
  await h.waitStatus(page, /Welcome back/);
  await page.waitForFunction((n) => document.querySelectorAll('#log > li').length >= n, before.length);
  assert.deepEqual(await h.messages(page), before);
  assert.ok(await page.locator('#phrase').isHidden(), 'the recovery phrase is not shown again');

  // The conversation goes on after the resume.
  await h.say(page, 'fourth: after the reload');
  const after = await h.messages(page);
  assert.deepEqual(after.slice(0, 6), before);
  assert.equal(after.length, 8);
  h.assertOrderedOnce(after);
  assert.deepEqual(page.problems, []);
});

test('a dropped socket reconnects and resumes; a message typed meanwhile is sent once', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  const net = await intercept(page);
  await h.consent(page, server.url);
  await h.say(page, 'one: before the drop');

  // The reply to the next message is lost with the connection; the reconnect asks for what came
  // after the last message shown, and gets the reply from the history.
  net.hold('reply');
  await page.locator('#text').fill('two: the reply to this is lost');
  await page.locator('#text').press('Enter');
  await page.waitForFunction(() => !document.querySelector('#log li.pending'));
  net.held.length = 0;  // never delivered
  net.holdTypes.clear();
  await net.drop();
  await h.waitStatus(page, /Welcome back/);
  await page.locator('#log li.assistant').nth(1).waitFor();

  const hellos = net.sent.filter((f) => f.type === 'hello');
  assert.equal(hellos.length, 2);
  assert.ok(hellos[1].token && hellos[1].last_seq > 0, 'resumes with the token and last_seq');

  // Sent while the connection is down: shown as "Sending…", delivered once after the reconnect.
  await net.drop();
  await page.locator('#text').fill('three: typed while offline');
  await page.locator('#text').press('Enter');
  await page.locator('#log li.assistant').nth(2).waitFor();
  const list = await h.messages(page);
  assert.deepEqual(list.map((m) => m.text.split(':')[0]).filter((x) => /^(one|two|three)$/.test(x)),
    ['one', 'two', 'three']);
  assert.equal(list.length, 6);
  h.assertOrderedOnce(list);
  await page.reload();
  await h.waitStatus(page, /Welcome back/);
  await page.waitForFunction(() => document.querySelectorAll('#log > li').length >= 6);
  assert.deepEqual(await h.messages(page), list, 'the server has each message once');
  assert.deepEqual(page.problems, []);
});

test('a token that no longer works offers a new conversation instead of failing', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  await page.goto(server.url);
  await page.evaluate(() => {
    localStorage.setItem('haven.consent', 'v1');
    localStorage.setItem('haven.token', 'ab'.repeat(32));  // unknown to this server
  });
  await page.reload();
  const restart = page.getByRole('button', { name: 'Start a new conversation' });
  await restart.waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('haven.token')), null);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'restart-button');
  await restart.click();
  await h.waitStatus(page, /Connected/);
  assert.ok((await page.locator('#phrase-text').textContent()).length >= 16, 'a new phrase');
  await h.say(page, 'hello again');
  assert.equal((await h.messages(page)).length, 2);
  assert.deepEqual(page.problems, []);
});

test('a failed hello (the server\'s storage, say) is retried, not left hanging', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  let first = true;
  const hellos = [];
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((m) => { hellos.push(JSON.parse(m)); upstream.send(m); });
    upstream.onMessage((m) => {
      if (first && JSON.parse(m).type === 'welcome') {
        first = false;
        ws.send(JSON.stringify({ v: 1, type: 'error', code: 'internal', message: 'test' }));
      } else {
        ws.send(m);
      }
    });
    ws.onClose(() => upstream.close());
    upstream.onClose(() => ws.close());
  });
  await h.consent(page, server.url);  // waits for "Connected"
  assert.equal(hellos.filter((f) => f.type === 'hello').length, 2);
  await h.say(page, 'hello after a retry');
  assert.deepEqual(page.problems, []);
});
