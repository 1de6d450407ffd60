// The chat page before the first message: AI disclosure and consent, the crisis button, keyboard
// use, a phone-size screen, and the automated accessibility check.
'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');
const h = require('./lib');
const { checkAccessibility } = require('./a11y');

const skip = h.missingPrerequisite() || false;

test('consent comes before the first message, with the AI disclosure', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  await page.goto(server.url);

  await assert.doesNotReject(page.getByText('Haven is an AI, not a person').waitFor());
  assert.ok(await page.locator('#chat').isHidden(), 'no chat before consent');
  const start = page.getByRole('button', { name: 'Start talking' });
  assert.ok(await start.isDisabled(), 'Start is disabled until the box is ticked');
  const box = page.getByRole('checkbox', { name: /I understand that Haven is an AI/ });
  await box.check();
  assert.ok(await start.isEnabled());
  await box.uncheck();
  assert.ok(await start.isDisabled(), 'unticking disables Start again');
  await box.check();
  await start.click();

  await h.waitStatus(page, /Connected\. Haven is an AI\./);
  assert.ok(await page.locator('#consent').isHidden());
  assert.equal(await page.evaluate(() => document.activeElement.id), 'text',
    'the message box has the focus');
  // The recovery phrase, shown once.
  const phrase = (await page.locator('#phrase-text').textContent()).trim();
  assert.ok(phrase.length >= 16, 'a recovery phrase: ' + phrase);
  await page.getByRole('button', { name: 'I have written it down' }).click();
  assert.ok(await page.locator('#phrase').isHidden());
  await page.reload();
  await h.waitStatus(page, /Welcome back/);
  assert.ok(await page.locator('#consent').isHidden(), 'consent is remembered');
  assert.ok(await page.locator('#phrase').isHidden(), 'the phrase is not shown again');
  assert.equal(await page.locator('#phrase-text').textContent(), '');
  assert.deepEqual(page.problems, []);
});

test('the crisis button is always in view and shows the lines for the locale', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const browser = await h.launchBrowser(t);

  const gb = await h.openPage(browser, { locale: 'en-GB' });
  await gb.goto(server.url);
  const button = gb.getByRole('button', { name: 'Crisis help now' });
  assert.ok(await button.isVisible(), 'visible before consent');
  await button.click();
  const panel = gb.getByRole('region', { name: 'If you are in danger right now' });
  await panel.waitFor();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  assert.match(await panel.textContent(), /Samaritans/);
  assert.match(await panel.textContent(), /call 999 or 112/);
  assert.equal(await gb.locator('#crisis-lines a[href="tel:116123"]').count(), 1);
  await gb.keyboard.press('Escape');
  assert.ok(await panel.isHidden(), 'Escape closes the panel');
  assert.equal(await gb.evaluate(() => document.activeElement.id), 'crisis-button');

  const us = await h.openPage(browser, { locale: 'en-US' });
  await h.consent(us, server.url);
  // Many messages later, scrolled to the bottom, the button is still on screen.
  for (let i = 0; i < 4; i++) await h.say(us, 'work has been hard this week, message ' + i);
  await us.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const box = await us.getByRole('button', { name: 'Crisis help now' }).boundingBox();
  const viewport = us.viewportSize();
  assert.ok(box && box.y >= 0 && box.y + box.height <= viewport.height, 'in the viewport');
  await us.getByRole('button', { name: 'Crisis help now' }).click();
  assert.match(await us.locator('#crisis-panel').textContent(), /988 Suicide & Crisis Lifeline/);
  assert.match(await us.locator('#crisis-panel').textContent(), /call 911/);

  const fallback = await h.openPage(browser, { locale: 'fr-FR' });
  await fallback.goto(server.url);
  await fallback.getByRole('button', { name: 'Crisis help now' }).click();
  assert.match(await fallback.locator('#crisis-panel').textContent(), /Find A Helpline/);
  for (const p of [gb, us, fallback]) assert.deepEqual(p.problems, []);
});

test('keyboard only: Tab to every control, Enter to send', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  await page.goto(server.url);

  // Tab order before consent: skip link, (the check-ins and privacy links,) crisis button,
  // consent box, and not Start, which is disabled.
  const order = [];
  for (let i = 0; i < 5 && !order.includes('consent-box'); i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.id ||
      document.activeElement.textContent.trim()));
  }
  assert.deepEqual(order.filter((id) => id !== 'privacy-link' && id !== 'history-link'),
    ['Skip to the message box', 'crisis-button', 'consent-box']);
  await page.keyboard.press('Space');  // tick the box
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'start');
  await page.keyboard.press('Enter');
  await h.waitStatus(page, /Connected/);

  // Type and send with Enter; Shift+Enter makes a new line instead.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'text');
  await page.keyboard.type('I have been so tired lately');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('and I cannot sleep');
  assert.equal(await page.locator('#text').inputValue(), 'I have been so tired lately\nand I cannot sleep');
  await page.keyboard.press('Enter');
  await page.locator('#log li.assistant').first().waitFor();
  const list = await h.messages(page);
  assert.equal(list[0].text, 'I have been so tired lately\nand I cannot sleep');
  assert.equal(await page.locator('#text').inputValue(), '');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'text', 'focus stays in the box');

  // From the message box, Tab reaches Send, Talk to a person and Mood check-in.
  const after = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    after.push(await page.evaluate(() => document.activeElement.textContent.trim()));
  }
  assert.deepEqual(after, ['Send', 'Talk to a person', 'Mood check-in']);
  assert.deepEqual(page.problems, []);
});

test('on a phone (390x844) nothing scrolls sideways and the controls fit', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t),
    { viewport: { width: 390, height: 844 }, isMobile: true });
  const noSideways = async (when) => {
    const [scroll, client] = await page.evaluate(() =>
      [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(scroll <= client, when + ': scrollWidth ' + scroll + ' > ' + client);
  };
  await page.goto(server.url);
  await noSideways('consent');
  await page.getByRole('button', { name: 'Crisis help now' }).click();
  await noSideways('crisis panel');
  await page.getByRole('button', { name: 'Close' }).click();
  await h.consent(page, server.url);
  await noSideways('chat');
  await h.say(page, 'Averyveryverylongwordwithoutanyspacesatallthatcouldpushthelayoutsidewaysonaphonescreen');
  await h.say(page, 'I want to kill myself');  // a crisis reply, with its list of lines
  await noSideways('after a crisis reply');
  for (const name of ['Send', 'Talk to a person', 'Mood check-in', 'Crisis help now']) {
    const box = await page.getByRole('button', { name }).boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, name + ' fits across');
    assert.ok(box.height >= 24, name + ' is big enough to tap');
  }
  assert.deepEqual(page.problems, []);
});

test('automated accessibility check, before and during a conversation', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  await page.goto(server.url);
  assert.deepEqual(await checkAccessibility(page), [], 'consent page');
  await page.getByRole('button', { name: 'Crisis help now' }).click();
  assert.deepEqual(await checkAccessibility(page), [], 'with the crisis panel open');
  await h.consent(page, server.url);
  await h.say(page, 'my exams are stressing me out');
  await page.getByRole('button', { name: 'Mood check-in' }).click();
  assert.deepEqual(await checkAccessibility(page), [], 'chat');
  assert.equal(await page.locator('#log').getAttribute('aria-live'), 'polite');
  assert.equal(await page.locator('#status').getAttribute('role'), 'status');
  assert.deepEqual(page.problems, []);
});

test('the accessibility check itself finds what it should', { skip }, async (t) => {
  const page = await h.openPage(await h.launchBrowser(t));
  await page.setContent(`<html><body><h1>a</h1><h1>b</h1>
    <input id="x"><img src="data:,"><button></button><ol id="log"></ol><span id="x"></span>
    <p style="color:#aaa">faint</p><button style="outline:none;box-shadow:none">b</button>
    </body></html>`);
  const problems = await checkAccessibility(page);
  for (const want of ['html has no lang', 'exactly one h1', 'input#x has no label',
    'has no alt', 'button has no name', 'duplicate id x', '#log is not a live region',
    'p contrast', 'shows no focus indicator']) {
    assert.ok(problems.some((p) => p.includes(want)), want + ' in ' + JSON.stringify(problems));
  }
});
