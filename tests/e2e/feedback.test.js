// Rating Haven's replies from the chat page (issue 7): thumbs up or down under each reply, the
// consent to de-identified use asked at the first rating (and "Not now" keeps nothing), "what
// would have helped" after a thumbs down, the counts in the privacy center, the ratings in
// `haven learn report` after the server stops, keyboard use and the accessibility check.
'use strict';

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const h = require('./lib');
const { checkAccessibility } = require('./a11y');

const skip = h.missingPrerequisite() || false;

// The privacy center's count of ratings and its de-identified use switch, in a page of the same
// browser context (same token).
async function privacyCenter(page, url) {
  const p = await page.context().newPage();
  h.watch(p);
  await p.goto(url + 'privacy.html');
  await p.waitForFunction(() => document.getElementById('stored-feedback').textContent !== '');
  const out = {
    feedback: Number(await p.locator('#stored-feedback').textContent()),
    deidentified: await p.locator('#consent-deidentified_use').isChecked(),
    problems: p.problems,
  };
  await p.close();
  return out;
}

test('a thumbs up asks for consent once, then ratings and "what would have helped" are kept',
  { skip }, async (t) => {
    const dirs = h.serverDirs(t);
    // The bandit explores, so that each ordinary reply logs its choice for the report.
    const config = path.join(h.tempDir(t, 'config'), 'haven.yaml');
    fs.writeFileSync(config, 'learning: {bandit: explore, explore_percent: 50}\n');
    const server = await h.startServer(t, dirs, 0, ['--config', config]);
    const page = await h.openPage(await h.launchBrowser(t));
    await h.consent(page, server.url);

    const first = await h.say(page, 'work has been so stressful lately');
    const group = first.getByRole('group', { name: 'Was this reply helpful?' });
    const up = group.getByRole('button', { name: 'Helpful', exact: true });
    const down = group.getByRole('button', { name: 'Not helpful' });
    assert.equal(await up.getAttribute('aria-pressed'), 'false');
    assert.equal(await page.locator('#log li.user .rate').count(), 0, 'only Haven\'s replies');

    // The first rating: the server refuses it without consent, and the page asks.
    await up.click();
    assert.equal(await up.getAttribute('aria-pressed'), 'true');
    const ask = first.getByRole('group', { name: /Haven keeps ratings only if you allow it/ });
    await ask.waitFor();
    assert.ok(await ask.getByRole('link', { name: 'Your privacy and data' }).isVisible());
    assert.deepEqual(await checkAccessibility(page), [], 'with the consent question open');
    await ask.getByRole('button', { name: 'Allow and save my rating' }).click();
    await first.getByText('Thank you. Your rating is saved').waitFor();
    assert.ok(await ask.isHidden());

    // The second reply: thumbs down, then what would have helped; no question this time.
    const second = await h.say(page, 'my manager keeps piling more on me');
    await second.getByRole('button', { name: 'Not helpful' }).click();
    const helped = second.getByRole('textbox', { name: 'What would have helped? (optional)' });
    await helped.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
    await second.getByText('Thank you. Your rating is saved').waitFor();
    assert.deepEqual(await checkAccessibility(page), [], 'with "what would have helped" open');
    await helped.fill('asking me what I needed first');
    await second.getByRole('button', { name: 'Send' }).click();
    await second.getByText('Thank you. What you wrote is saved').waitFor();
    assert.ok(await helped.isHidden());
    assert.equal(await page.evaluate(() => document.activeElement.id), 'text');
    assert.equal(await second.getByRole('button', { name: 'Not helpful' }).getAttribute('aria-pressed'), 'true');

    // Changing one's mind on the first reply: the later rating counts instead.
    await down.click();
    await first.getByRole('button', { name: 'No thanks' }).click();
    assert.equal(await up.getAttribute('aria-pressed'), 'false');
    assert.equal(await down.getAttribute('aria-pressed'), 'true');

    const privacy = await privacyCenter(page, server.url);
    assert.equal(privacy.deidentified, true, 'the consent shows in the privacy center');
    // Every rating given is kept (and in the export); learning counts the latest per reply.
    assert.equal(privacy.feedback, 4, 'four ratings given');
    assert.deepEqual(privacy.problems, []);
    assert.deepEqual(page.problems, []);

    // The ratings reach `haven learn report`, read from the records alone after the stop.
    await server.stop();
    const r = spawnSync(h.HAVEN, ['learn', 'report', '--data-dir', dirs.dataDir, '--json'],
      { encoding: 'utf8', timeout: h.WAIT });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.ok(report.rated >= 1 && report.rated <= 2 && report.choices >= report.rated, r.stdout);
    assert.equal(report.logged_mean_reward, 0, 'both replies count as thumbs down: ' + r.stdout);
    assert.ok(!r.stdout.includes('asking me what I needed'), 'no words in the report');
  });

test('"Not now" keeps nothing and asks again at the next rating', { skip }, async (t) => {
  const server = await h.startServer(t, h.serverDirs(t));
  const page = await h.openPage(await h.launchBrowser(t));
  await h.consent(page, server.url);
  const reply = await h.say(page, 'I have been feeling lonely since I moved');
  const down = reply.getByRole('button', { name: 'Not helpful' });
  await down.click();
  const ask = reply.getByRole('group', { name: /Haven keeps ratings only if you allow it/ });
  await ask.waitFor();
  await ask.getByRole('button', { name: 'Not now' }).click();
  await reply.getByText('Not kept. Thank you anyway.').waitFor();
  assert.equal(await down.getAttribute('aria-pressed'), 'false');
  assert.equal(await reply.locator('.rate-more').count(), 0, 'the "what would have helped" form is gone');

  const privacy = await privacyCenter(page, server.url);
  assert.equal(privacy.feedback, 0, 'nothing stored');
  assert.equal(privacy.deidentified, false);

  // Keyboard only: Shift+Tab from the message box reaches the rating buttons of the last reply.
  await page.locator('#text').focus();
  let name = '';
  for (let i = 0; i < 6 && name !== 'Not helpful'; i++) {
    await page.keyboard.press('Shift+Tab');
    name = await page.evaluate(() => document.activeElement.getAttribute('aria-label') || '');
  }
  assert.equal(name, 'Not helpful');
  await page.keyboard.press('Enter');
  await ask.waitFor();
  assert.deepEqual(page.problems, []);
});
