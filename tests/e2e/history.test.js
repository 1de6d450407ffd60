// "My check-ins" (web/history.html) from the person's side, in the browser against the real
// server: mood check-ins recorded from the chat page and a PHQ-9 answered in the conversation
// come back as charts, each with its text summary and data table, the not-a-diagnosis note and
// the crisis link, on a phone too.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const h = require('./lib');
const { checkAccessibility } = require('./a11y');

const skip = h.missingPrerequisite() ||
  (fs.existsSync(path.join(h.ROOT, 'web', 'history.html')) ? false : 'no web/history.html');

// Clicks a mood in the chat page's check-in and waits until it is saved and answered.
async function checkIn(page, name) {
  const replies = await page.locator('#log li.assistant').count();
  const mood = page.getByRole('group', { name: /Mood check-in/ });
  if (await mood.isHidden()) await page.getByRole('button', { name: 'Mood check-in' }).click();
  await mood.getByRole('button', { name, exact: true }).click();
  await page.waitForFunction((label) =>
    document.getElementById('mood-saved').textContent.includes('Check-in saved (' + label + ')'), name);
  await page.locator('#log li.assistant').nth(replies).waitFor();
  await page.waitForFunction(() => !document.querySelector('#log li.pending'));
}

test('mood check-ins become a chart with a table, on a phone', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t),
    { viewport: { width: 390, height: 844 }, isMobile: true });
  await h.consent(page, server.url);
  await checkIn(page, 'Low');
  await checkIn(page, 'Good');
  // The sentence is still said, so that Haven answers it.
  assert.equal((await h.messages(page))[0].text, 'Right now I feel low.');

  await page.getByRole('link', { name: 'My check-ins' }).click();
  await page.getByRole('heading', { name: 'Mood check-ins' }).waitFor();
  const chart = page.getByRole('img', { name: /Mood chart/ });
  await chart.waitFor();
  assert.match(await chart.getAttribute('aria-labelledby'), /mood-summary/);
  assert.match(await page.locator('#mood-summary').textContent(), /2 results .*Latest: Good\. First: Low\./);
  assert.equal(await page.locator('#chart-mood svg circle').count(), 2);
  const table = page.getByRole('table', { name: /Mood check-ins, oldest first/ });
  const cells = await table.locator('tbody td').allTextContents();
  assert.deepEqual(cells, ['Low (2 of 5)', 'Good (4 of 5)']);
  // Nothing answered yet for the questionnaires: said in words, no empty chart.
  assert.match(await page.locator('#phq9-summary').textContent(), /No PHQ-9 results yet/);
  assert.equal(await page.locator('#chart-phq9 svg').count(), 0);

  // Not a diagnosis, and crisis help one tap away.
  assert.match(await page.locator('main').textContent(), /They are not a diagnosis\./);
  await page.getByRole('link', { name: 'Crisis help now', exact: true }).click();
  await page.getByRole('link', { name: '988' }).waitFor();
  const [scroll, client] = await page.evaluate(() =>
    [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client, 'no sideways scrolling on a phone');
  assert.deepEqual(await checkAccessibility(page), []);
  assert.deepEqual(page.problems, [], 'no CSP violation or error');
});

test('a check-in whose connection drops before it is confirmed is sent again and kept once', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  await h.consent(page, server.url);
  // The connection goes right after the mood frame leaves, before its answer can arrive.
  await page.evaluate(() => {
    const send = WebSocket.prototype.send;
    let dropped = false;
    WebSocket.prototype.send = function (data) {
      send.call(this, data);
      if (!dropped && typeof data === 'string' && JSON.parse(data).type === 'mood') {
        dropped = true;
        this.close();
      }
    };
  });
  await checkIn(page, 'Low');
  await page.getByRole('link', { name: 'My check-ins' }).click();
  const table = page.getByRole('table', { name: /Mood check-ins, oldest first/ });
  await table.waitFor();
  assert.deepEqual(await table.locator('tbody td').allTextContents(), ['Low (2 of 5)']);
});

test('a PHQ-9 answered in the chat is charted with its severity band', { skip }, async (t) => {
  // Eleven messages at test speed: above the default rate limits, which a person answering at
  // reading speed stays under; this server allows more.
  const dirs = h.serverDirs(t);
  const config = path.join(path.dirname(dirs.keyFile), 'haven.yaml');
  fs.writeFileSync(config, 'limits:\n  messages_per_minute: 600\n  message_burst: 100\n' +
    '  account_messages_per_minute: 600\n  account_message_burst: 100\n');
  const server = await h.startServer(t, dirs, 0, ['--config', config]);
  const page = await h.openPage(await h.launchBrowser(t));
  await h.consent(page, server.url);
  const first = await h.say(page, 'can we do the PHQ-9?');
  assert.match(await first.textContent(), /Little interest or pleasure in doing things/);
  for (const answer of ['several days', 'more than half the days', '1', '2', 'not at all',
    'several days', 'nearly every day', '0', 'not at all']) {
    await h.say(page, answer);
  }
  const result = await h.say(page, 'somewhat difficult');
  assert.match(await result.textContent(), /10/);

  await page.goto(server.url + 'history.html');
  const chart = page.getByRole('img', { name: /PHQ-9 chart/ });
  await chart.waitFor();
  assert.match(await page.locator('#phq9-summary').textContent(), /Latest: 10 \(moderate\)/);
  const table = page.getByRole('table', { name: /PHQ-9 results/ });
  assert.deepEqual(await table.locator('tbody td').allTextContents(), ['10 of 27', 'moderate']);
  // The bands are drawn (five for PHQ-9), the point sits in the moderate one.
  assert.equal(await page.locator('#chart-phq9 rect.band').count(), 5);
  assert.match(await page.locator('#gad7-summary').textContent(), /No GAD-7 results yet/);
  assert.deepEqual(await checkAccessibility(page), []);
  assert.deepEqual(page.problems, []);
});

test('"My check-ins" without a conversation says so and creates nothing', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  await page.goto(server.url + 'history.html');
  await page.getByRole('heading', { name: 'Nothing here yet' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('haven.token')), null);
  assert.deepEqual(await checkAccessibility(page), []);
  assert.deepEqual(page.problems, []);
});
