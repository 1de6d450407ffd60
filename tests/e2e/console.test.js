// The staff console (web/console.html) against the real server, beside the seeker's chat page in
// another browser context (issue 5): a seeker writes a high-risk message; the console shows it on
// top of the queue (driven by the server's event, no polling); a supporter opens it, reads the
// annotation, takes over and writes; the seeker sees the supporter's message under their name
// and Haven stays silent; hand back, and Haven answers again. Also: a dropped console socket
// (the seeker writes meanwhile) resumes with every message exactly once; after a server restart
// the console starts from a fresh queue and catches up on the open conversation; break-glass
// (a clinician opens, from the alert, a conversation a supporter has: only with a written
// reason, shown live to an admin) and the clinicians' review; the accessibility check on a
// laptop and a phone; a failed sign-in that never says which part was wrong.
//
// Staff accounts are made with `haven admin create-user` before the server starts, as an
// operator would. A TOTP step is accepted once per account, so each account signs in once.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const h = require('./lib');
const { checkAccessibility } = require('./a11y');

const skip = h.missingPrerequisite() ||
  (fs.existsSync(path.join(h.ROOT, 'web', 'console.html')) ? false : 'no web/console.html');

const RISKY = "I have the pills here and I'm going to take them all tonight";

// A server with one staff account of `role`, made before it starts.
async function serverWithStaff(t, username, role) {
  const dirs = h.serverDirs(t);
  const staff = h.createStaff(dirs.dataDir, dirs.keyFile, username, role);
  const server = await h.startServer(t, dirs);
  return { server, staff };
}

// Signs in on the console page as a person would, and waits for the console's welcome.
async function signIn(page, url, staff) {
  await page.goto(url + 'console.html');
  await page.getByLabel('Username').fill(staff.username);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByLabel(/Code from your authenticator app/).fill(h.totp(staff.secret));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => /^Connected as/.test(document.getElementById('conn').textContent));
}

// The transcript on the console: [{role, text, seq}], in the order shown.
async function transcript(page) {
  return page.$$eval('#log > li', (lis) => lis.map((li) => ({
    role: li.className, text: li.querySelector('.text').textContent, seq: Number(li.dataset.seq),
  })));
}

// The seeker's page sends `text` and waits until it is acknowledged (stored), not for a reply.
async function sendAcked(page, text) {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await page.locator('#log li.user .text', { hasText: text }).waitFor();
  await page.waitForFunction(() => !document.querySelector('#log li.pending'));
}

// Opens the first (most urgent) conversation of the queue; resolves when its transcript is in.
async function openFirst(page) {
  await page.locator('#queue li').first().getByRole('button').click();
  await page.locator('#log li.user').first().waitFor();
}

test('the console charts the person\'s mood check-ins beside the transcript', { skip }, async (t) => {
  const { server, staff } = await serverWithStaff(t, 'mia', 'supporter');
  const browser = await h.launchBrowser(t);
  const seeker = await h.openPage(browser);
  const desk = await h.openPage(browser);
  await h.consent(seeker, server.url);
  const group = seeker.getByRole('group', { name: /Mood check-in/ });
  for (const [i, mood] of ['Very low', 'Okay'].entries()) {
    // Offered at the start of a conversation; asked for with the button after that.
    if (i > 0) await seeker.getByRole('button', { name: 'Mood check-in' }).click();
    await group.getByRole('button', { name: mood, exact: true }).click();
    await seeker.getByText(new RegExp('Check-in saved \\(' + mood + '\\)')).waitFor();
    await seeker.locator('#log li.assistant').nth(i).waitFor();
  }
  await h.say(seeker, RISKY);
  await signIn(desk, server.url, staff);
  await desk.locator('#queue li').first().waitFor();
  await openFirst(desk);
  const chart = desk.getByRole('img', { name: 'Mood over time' });
  await chart.waitFor();
  assert.match(await desk.locator('#trajectory-mood-d').textContent(), /^1 on .*; 3 on .*\(1 to 5, higher is better\)$/);
  assert.match(await desk.locator('#trajectory figcaption').textContent(), /Mood over time: 1 → 3/);
  assert.equal(await desk.locator('#trajectory svg circle').count(), 2);
  assert.deepEqual(await checkAccessibility(desk), [], 'the console with the chart');
  assert.deepEqual(problemsOf(seeker, desk), []);
});

test('a high-risk message tops the queue; a supporter takes over, writes, hands back', { skip }, async (t) => {
  const { server, staff } = await serverWithStaff(t, 'sam', 'supporter');
  const browser = await h.launchBrowser(t);
  const seeker = await h.openPage(browser);
  const desk = await h.openPage(browser);  // another context: nothing shared with the seeker

  await signIn(desk, server.url, staff);
  assert.ok(await desk.locator('#queue-empty').isVisible(), 'nobody waits yet');
  assert.ok(await desk.getByRole('tab', { name: /Review/ }).isHidden(), 'review is for clinicians');

  await h.consent(seeker, server.url);
  const crisis = await h.say(seeker, RISKY);
  assert.ok(await crisis.locator('ul.lines').count() > 0, 'the seeker gets the crisis lines');
  await seeker.waitForFunction(() =>
    /You are number 1 in the queue for a person/.test(document.getElementById('queue-position').textContent));

  // The queue item arrives by the server's event (nothing polls), on top, urgent, with an alert.
  const top = desk.locator('#queue li').first();
  await top.waitFor();
  assert.match(await top.getAttribute('data-priority'), /^[12]$/);
  assert.match(await top.locator('.prio').textContent(), /^P[12]$/, 'the priority in text, not colour alone');
  assert.match(await top.locator('.risk').textContent(), /risk: (high|imminent)/);
  assert.match(await top.locator('.state').textContent(), /waiting/);
  assert.match(await top.locator('.waiting').textContent(), /^waiting /);
  await desk.locator('#alert').waitFor();
  assert.ok(Number(await desk.locator('#alert').getAttribute('data-alert-count')) >= 1);
  assert.match(await desk.getByRole('alert').filter({ hasText: 'Urgent' }).textContent(), /Urgent: Seeker [0-9a-f]{8}/);

  // Open it: the annotated transcript, the evidence highlighted, the bot's strategy and reasons.
  await openFirst(desk);
  const first = desk.locator('#log li.user').first();
  assert.equal(await first.locator('.text').textContent().then((s) => s.replace(/ \(risk signal: [^)]*\)/g, '')), RISKY);
  assert.match(await first.locator('.annot .risk').textContent(), /risk: (high|imminent)/);
  const mark = first.locator('mark').first();
  await mark.waitFor();
  assert.ok(RISKY.includes(await mark.textContent()), 'a highlighted span of the text');
  assert.match(await mark.getAttribute('title'), /^Risk signal: /);
  const bot = desk.locator('#log li.assistant').first();
  assert.match(await bot.locator('summary').textContent(), /^Strategy: /);

  // Take over: the seeker is told who joined; the composer opens for the supporter only.
  await desk.getByRole('button', { name: 'Take over' }).click();
  await desk.waitForFunction(() => !document.getElementById('reply').disabled);
  assert.ok(await desk.getByRole('button', { name: 'Hand back to Haven' }).isEnabled());
  await seeker.locator('#log li.system', { hasText: 'sam from the team has joined' }).waitFor();
  assert.equal(await seeker.locator('#with-person').textContent(),
    'You are talking with sam, a person from the team');

  // Drafting brings feedback: three mechanisms, in words.
  const words = 'It sounds like you are carrying so much tonight. Are you safe right now?';
  await desk.locator('#reply').fill(words);
  await desk.locator('#feedback').waitFor();
  const levels = await desk.locator('#mechanisms .meter-level').allTextContents();
  assert.equal(levels.length, 3);
  for (const l of levels) assert.match(l, /^(none|weak|strong)$/);
  await desk.getByRole('button', { name: 'Send' }).click();
  await desk.locator('#log li.staff', { hasText: words }).waitFor();

  // The seeker sees it under the supporter's name, distinct from Haven's.
  const staffMsg = seeker.locator('#log li.staff').first();
  await staffMsg.waitFor();
  assert.equal(await staffMsg.locator('.text').textContent(), words);
  assert.match(await staffMsg.locator('.who').textContent(), /^sam, a person from the team/);
  assert.deepEqual(await checkAccessibility(seeker), [], 'the chat page with a person in');
  const botReplies = await seeker.locator('#log li.assistant').count();

  // The seeker answers: stored and shown live on the console; Haven stays silent. The second
  // message's ack comes after any reply to the first (one connection's turns run in order).
  await sendAcked(seeker, 'yes, I am safe for now');
  await desk.locator('#log li.user', { hasText: 'yes, I am safe for now' }).waitFor();
  await sendAcked(seeker, 'thank you for being here');
  await desk.locator('#log li.user', { hasText: 'thank you for being here' }).waitFor();
  assert.equal(await seeker.locator('#log li.assistant').count(), botReplies, 'Haven stays silent');
  assert.equal(await seeker.locator('#typing').textContent(), '', 'nobody pretends Haven writes');

  // Hand back: the seeker is told, and Haven answers again.
  await desk.getByRole('button', { name: 'Hand back to Haven' }).click();
  await seeker.locator('#log li.system', { hasText: 'sam has handed you back to Haven, the AI assistant' }).waitFor();
  assert.ok(await seeker.locator('#with-person').isHidden());
  await desk.waitForFunction(() => document.getElementById('reply').disabled);
  const again = await h.say(seeker, 'can we talk about how to get some sleep?');
  assert.ok((await again.locator('.text').textContent()).length > 10);
  await desk.locator('#log li.user', { hasText: 'get some sleep' }).waitFor();

  // Both sides show the same conversation, each message once and in order.
  const seen = await h.messages(seeker);
  h.assertOrderedOnce(seen);
  await desk.waitForFunction((n) => document.querySelectorAll('#log > li:not(.system)').length >= n, seen.length);
  const shown = (await transcript(desk)).filter((m) => m.role !== 'system');
  h.assertOrderedOnce(shown);
  assert.deepEqual(shown.map((m) => m.seq), seen.map((m) => m.seq));
  assert.deepEqual(problemsOf(seeker, desk), []);
});

test('a dropped console socket resumes: what the seeker wrote meanwhile is shown exactly once', { skip }, async (t) => {
  const { server, staff } = await serverWithStaff(t, 'ria', 'supporter');
  const browser = await h.launchBrowser(t);
  const seeker = await h.openPage(browser);
  const desk = await h.openPage(browser);

  // The console's socket goes through playwright so that the test can cut it and keep it down.
  const net = { blocked: false, sockets: [], hellos: [] };
  await desk.routeWebSocket(/\/console\/ws$/, (ws) => {
    if (net.blocked) {
      ws.close({ code: 1011, reason: 'test keeps the network down' });
      return;
    }
    const upstream = ws.connectToServer();
    net.sockets.push(ws);
    ws.onMessage((m) => {
      const f = JSON.parse(m);
      if (f.type === 'hello') net.hellos.push(f);
      upstream.send(m);
    });
    upstream.onMessage((m) => ws.send(m));
    ws.onClose(() => upstream.close());
    upstream.onClose(() => ws.close());
  });

  await signIn(desk, server.url, staff);
  await h.consent(seeker, server.url);
  await h.say(seeker, RISKY);
  await desk.locator('#queue li').first().waitFor();
  await openFirst(desk);
  await desk.locator('#log li.assistant').first().waitFor();
  const before = await transcript(desk);

  net.blocked = true;
  await net.sockets[net.sockets.length - 1].close({ reason: 'test drops the connection' });
  await desk.waitForFunction(() => /Connection lost/.test(document.getElementById('conn').textContent));
  // Meanwhile the seeker writes, and Haven answers (the conversation waits; nobody took it).
  await h.say(seeker, 'are you still there? I feel so alone right now');
  net.blocked = false;

  await desk.waitForFunction(() => /^Connected as/.test(document.getElementById('conn').textContent));
  await desk.locator('#log li.user', { hasText: 'are you still there?' }).waitFor();
  const seen = await h.messages(seeker);
  await desk.waitForFunction((n) => document.querySelectorAll('#log > li:not(.system)').length >= n, seen.length);
  const after = (await transcript(desk)).filter((m) => m.role !== 'system');
  h.assertOrderedOnce(after);
  assert.deepEqual(after.map((m) => m.seq), seen.map((m) => m.seq), 'every message once, none missed');
  assert.equal(after.filter((m) => m.text.includes('are you still there?')).length, 1);
  assert.deepEqual(after.slice(0, before.length).map((m) => m.seq), before.map((m) => m.seq));
  const last = net.hellos[net.hellos.length - 1];
  assert.ok(net.hellos.length >= 2 && /^[0-9a-f]+:\d+$/.test(last.last_event),
    'the reconnect says which event it saw last: ' + JSON.stringify(last && last.last_event));
  assert.deepEqual(problemsOf(seeker, desk), []);
});

test('after a server restart the console rebuilds its queue and catches up on the open conversation', { skip }, async (t) => {
  const dirs = h.serverDirs(t);
  const staff = h.createStaff(dirs.dataDir, dirs.keyFile, 'noa', 'supporter');
  let server = await h.startServer(t, dirs);
  const browser = await h.launchBrowser(t);
  const seeker = await h.openPage(browser);
  const desk = await h.openPage(browser);
  const frames = [];  // what the server said to the console, in order
  await desk.routeWebSocket(/\/console\/ws$/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((m) => upstream.send(m));
    upstream.onMessage((m) => { frames.push(JSON.parse(m)); ws.send(m); });
    ws.onClose(() => upstream.close());
    upstream.onClose(() => ws.close());
  });
  await signIn(desk, server.url, staff);
  await h.consent(seeker, server.url);
  await h.say(seeker, RISKY);
  await desk.locator('#queue li').first().waitFor();
  const conversation = await desk.locator('#queue li').first().getAttribute('data-conversation');
  await openFirst(desk);
  await desk.locator('#log li.assistant').first().waitFor();

  await server.stop('SIGKILL');
  await desk.waitForFunction(() => /Connection lost/.test(document.getElementById('conn').textContent));
  const welcomes = frames.filter((f) => f.type === 'welcome').length;
  server = await h.startServer(t, dirs, server.port);
  await h.waitStatus(seeker, /Welcome back/);
  await h.say(seeker, 'the page went quiet for a moment, are you there?');

  // Another process: no resume, a fresh queue (the conversation still waits), the transcript
  // from the last message shown on.
  await desk.locator('#log li.user', { hasText: 'went quiet for a moment' }).waitFor();
  const welcome = frames.filter((f) => f.type === 'welcome')[welcomes];
  assert.equal(welcome.resumed, false);
  assert.equal(frames[frames.indexOf(welcome) + 1].type, 'queue', 'a fresh queue follows');
  assert.equal(await desk.locator('#queue li').first().getAttribute('data-conversation'), conversation);
  const seen = await h.messages(seeker);
  await desk.waitForFunction((n) => document.querySelectorAll('#log > li:not(.system)').length >= n, seen.length);
  const shown = (await transcript(desk)).filter((m) => m.role !== 'system');
  h.assertOrderedOnce(shown);
  assert.deepEqual(shown.map((m) => m.seq), seen.map((m) => m.seq), 'every message once, none missed');
  assert.deepEqual(problemsOf(seeker, desk), []);
});

test('break-glass: a conversation someone else has opens only with a written reason, and admins see it', { skip }, async (t) => {
  const dirs = h.serverDirs(t);
  const sam = h.createStaff(dirs.dataDir, dirs.keyFile, 'sam', 'supporter');
  const lee = h.createStaff(dirs.dataDir, dirs.keyFile, 'lee', 'clinician');
  const ana = h.createStaff(dirs.dataDir, dirs.keyFile, 'ana', 'admin');
  const server = await h.startServer(t, dirs);
  const browser = await h.launchBrowser(t);
  const [seeker, desk, clinic, admin] = [await h.openPage(browser), await h.openPage(browser),
    await h.openPage(browser), await h.openPage(browser)];
  await signIn(desk, server.url, sam);
  await signIn(clinic, server.url, lee);
  await signIn(admin, server.url, ana);
  await h.consent(seeker, server.url);
  await h.say(seeker, RISKY);

  // Sam takes it over first; the clinician's alert still offers it.
  await desk.locator('#queue li').first().waitFor();
  await openFirst(desk);
  await desk.getByRole('button', { name: 'Take over' }).click();
  await desk.waitForFunction(() => !document.getElementById('reply').disabled);
  await clinic.waitForFunction(() => !document.querySelector('#queue li'));  // not waiting any more
  await clinic.getByRole('button', { name: 'Open it' }).click();
  const form = clinic.getByRole('form', { name: 'This conversation is not in your queue' });
  await form.waitFor();
  await form.getByLabel('Why do you need to open it?').fill('Clinical review of a high-risk contact');
  await form.getByRole('button', { name: 'Open with this reason' }).click();
  await clinic.locator('#log li.user').first().waitFor();
  assert.match(await clinic.locator('#conv-summary').textContent(), /sam has it/);
  // Two people cannot have it at once.
  await clinic.getByRole('button', { name: 'Take over' }).click();
  await clinic.waitForFunction(() =>
    /already taken this conversation over/.test(document.getElementById('conv-status').textContent));
  assert.ok(await desk.locator('#reply').isEnabled(), 'sam still has it');
  await admin.waitForFunction(() =>
    /Break-glass: lee opened .*Clinical review of a high-risk contact/.test(document.getElementById('notice').textContent));

  // The clinician reviews Haven's reply to the risky message.
  await clinic.getByRole('tab', { name: /Review/ }).click();
  const item = clinic.locator('.review-item').first();
  await item.waitFor();
  assert.match(await item.locator('.quote').first().textContent(), /pills/);
  for (const name of ['Empathy', 'Safety', 'Helpfulness']) {
    await item.getByRole('group', { name: new RegExp('^' + name) }).getByLabel('4').check();
  }
  await item.getByRole('button', { name: 'Submit review' }).click();
  await item.getByText('Saved. Thank you.').waitFor();
  assert.deepEqual(problemsOf(seeker, desk, clinic, admin), []);
});

test('the console passes the accessibility check, on a laptop and on a phone', { skip }, async (t) => {
  const dirs = h.serverDirs(t);
  const laptop = h.createStaff(dirs.dataDir, dirs.keyFile, 'lee', 'clinician');
  const phone = h.createStaff(dirs.dataDir, dirs.keyFile, 'kim', 'supporter');
  const server = await h.startServer(t, dirs);
  const browser = await h.launchBrowser(t);
  const seeker = await h.openPage(browser);
  await h.consent(seeker, server.url);
  await h.say(seeker, RISKY);

  for (const [staff, options] of [[laptop, {}],
    [phone, { viewport: { width: 390, height: 844 }, isMobile: true }]]) {
    const desk = await h.openPage(browser, options);
    await desk.goto(server.url + 'console.html');
    assert.deepEqual(await checkAccessibility(desk), [], 'the sign-in form');
    await signIn(desk, server.url, staff);
    await desk.locator('#queue li').first().waitFor();
    assert.deepEqual(await checkAccessibility(desk), [], 'the queue');
    await openFirst(desk);
    assert.deepEqual(await checkAccessibility(desk), [], 'an open conversation');
    const [scroll, client] = await desk.evaluate(() =>
      [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(scroll <= client, 'no sideways scrolling (' + scroll + ' > ' + client + ')');
    if (staff.role === 'clinician') {
      await desk.getByRole('tab', { name: /Review/ }).click();
      await desk.waitForFunction(() => /review|Nothing/.test(document.getElementById('review-status').textContent));
      assert.deepEqual(await checkAccessibility(desk), [], 'the review tab');
    } else {
      // On a phone the queue sits above the conversation and folds away when one is open.
      assert.equal(await desk.getByRole('button', { name: 'Show queue' }).getAttribute('aria-expanded'), 'false');
      await desk.getByRole('button', { name: 'Show queue' }).click();
      assert.ok(await desk.locator('#queue li').first().isVisible());
      const [queueBox, convBox] = [await desk.locator('#queue-panel').boundingBox(),
        await desk.locator('#conversation').boundingBox()];
      assert.ok(queueBox.y + queueBox.height <= convBox.y + 1, 'the queue is above the conversation');
    }
    assert.deepEqual(desk.problems, []);
  }
});

test('a failed sign-in never says which part was wrong; the token is never kept for long', { skip }, async (t) => {
  const { server, staff } = await serverWithStaff(t, 'ana', 'admin');
  const desk = await h.openPage(await h.launchBrowser(t));
  await desk.goto(server.url + 'console.html');
  const good = h.totp(staff.secret);
  const wrong = String((Number(good) + 500000) % 1000000).padStart(6, '0');
  for (const [username, password, code] of [
    [staff.username, staff.password, wrong],
    [staff.username, 'not the password at all', good],
    ['nobody', staff.password, good]]) {
    await desk.getByLabel('Username').fill(username);
    await desk.getByLabel('Password').fill(password);
    await desk.getByLabel(/Code from your authenticator app/).fill(code);
    await desk.getByRole('button', { name: 'Sign in' }).click();
    await desk.waitForFunction(() => document.getElementById('signin-error').textContent !== '');
    assert.equal(await desk.getByRole('alert').filter({ hasText: 'Sign-in failed' }).textContent(),
      'Sign-in failed: check your username, password and code');
    assert.equal(await desk.getByLabel('Password').inputValue(), '', 'the password is not kept');
    await desk.evaluate(() => { document.getElementById('signin-error').textContent = ''; });
  }
  assert.ok(await desk.locator('#console').isHidden());

  await signIn(desk, server.url, staff);
  const token = await desk.evaluate(() => JSON.parse(sessionStorage.getItem('haven.staff')).token);
  assert.match(token, /^[0-9a-f]{64}$/);
  assert.equal(await desk.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
  assert.equal(await desk.evaluate(() => document.cookie), '', 'no cookie');
  assert.ok(!desk.url().includes(token), 'not in the URL');
  assert.ok(await desk.getByRole('tab', { name: /Review/ }).isVisible(), 'an admin reviews');

  // A reload keeps the sign-in (sessionStorage, this tab only); signing out ends the token.
  await desk.reload();
  await desk.waitForFunction(() => /^Connected as ana/.test(document.getElementById('conn').textContent));
  await desk.getByRole('button', { name: 'Sign out' }).click();
  await desk.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.equal(await desk.evaluate(() => sessionStorage.getItem('haven.staff')), null);
  const me = await desk.request.get(server.url + 'api/staff/me',
    { headers: { Authorization: 'Bearer ' + token } });
  assert.equal(me.status(), 401, 'the token no longer works');
  // The three refusals above are the only failed loads.
  assert.deepEqual(desk.problems.filter((p) => !/^401 for .*\/api\/staff\/login$/.test(p)), []);
});

// Problems on either page (errors, CSP violations, failed loads).
function problemsOf(...pages) {
  return pages.flatMap((p) => p.problems);
}
