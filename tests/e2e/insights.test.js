// The admin insights page (web/insights.html, issue 7): people who allow analytics chat and rate
// replies; an admin signs in on the console, opens "Insights" and sees the private release as
// charts, lists and a table, draws new releases until the period's privacy budget is spent; a
// supporter never gets the link and is refused (and audited) when opening the page; without a
// sign-in the page says so. The accessibility check on a laptop and a phone.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const h = require('./lib');
const { checkAccessibility } = require('./a11y');

const skip = h.missingPrerequisite() ||
  (fs.existsSync(path.join(h.ROOT, 'web', 'insights.html')) ? false : 'no web/insights.html');

// A seeker who allows analytics (and de-identified use, for ratings), says two things and
// rates the second reply.
async function seeker(browser, url, thumbs) {
  const page = await h.openPage(browser);
  await h.consent(page, url);
  await page.goto(url + 'privacy.html');
  await page.getByRole('checkbox', { name: 'Allow usage analytics' }).check();
  await page.getByText('Saved.').waitFor();
  await page.reload();  // the switch as the server holds it
  await page.waitForFunction(() => document.getElementById('consent-analytics').checked);
  await page.goto(url);
  await h.say(page, 'work has been really stressful this month');
  const reply = await h.say(page, 'my manager keeps adding more to my plate');
  await reply.getByRole('button', { name: thumbs > 0 ? 'Helpful' : 'Not helpful', exact: true }).click();
  await reply.getByRole('button', { name: 'Allow and save my rating' }).click();
  await reply.getByText(/Thank you/).first().waitFor();
  return page;
}

async function signIn(page, url, staff) {
  await page.goto(url + 'console.html');
  await page.getByLabel('Username').fill(staff.username);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByLabel(/Code from your authenticator app/).fill(h.totp(staff.secret));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => /^Connected as/.test(document.getElementById('conn').textContent));
}

test('an admin sees private insights as charts; new releases stop at the budget', { skip }, async (t) => {
  const dirs = h.serverDirs(t);
  const admin = h.createStaff(dirs.dataDir, dirs.keyFile, 'ada', 'admin');
  // A large epsilon and groups of one, so that three people show (the defaults: 2 and 10).
  const config = path.join(h.tempDir(t, 'config'), 'haven.yaml');
  fs.writeFileSync(config, 'insights: {epsilon: "100", period_budget: "300", min_group_size: 1}\n');
  const server = await h.startServer(t, dirs, 0, ['--config', config]);
  const browser = await h.launchBrowser(t);
  const people = [await seeker(browser, server.url, 1), await seeker(browser, server.url, 1),
    await seeker(browser, server.url, -1)];

  const page = await h.openPage(browser);
  await signIn(page, server.url, admin);
  await page.getByRole('link', { name: 'Insights' }).click();
  await page.locator('#figures').waitFor();
  assert.match(await page.locator('#privacy-terms').textContent(),
    /epsilon [0-9.]+ spent of 100 for this release; 100 of 300 over the last 30 days/);
  // Three people were active: the noisy count is near it.
  const engagement = page.getByRole('region', { name: 'Engagement and retention' });
  const active = Number(await engagement.locator('dd').first().textContent());
  assert.ok(Math.abs(active - 3) <= 3, 'people active: ' + active);
  // People wrote in one week of four: the weekly series is refused whole, and says so.
  assert.match(await page.locator('#chart-weekly').textContent(), /Not shown: too few people/);
  // Satisfaction: two thumbs up of three, as a chart with a text equivalent.
  const chart = page.getByRole('img', { name: /Thumbs up and down, share of ratings/ });
  if (await page.locator('#chart-satisfaction svg').count()) {
    assert.match(await chart.getAttribute('aria-labelledby'), /satisfaction-t satisfaction-d/);
  }
  assert.equal(await page.locator('#all-figures tbody tr').count(), 17, 'every figure in the table');
  assert.deepEqual(await checkAccessibility(page), [], 'the insights page');
  if (process.env.HAVEN_SCREENSHOTS) {  // a directory: a picture of the page, for a person to look at
    await page.screenshot({ path: path.join(process.env.HAVEN_SCREENSHOTS, 'insights.png'), fullPage: true });
  }

  // New releases: two more fit the period's budget of 300, the fourth is refused.
  const fresh = page.getByRole('button', { name: 'Draw a new release now' });
  for (const spent of ['200', '300']) {
    await fresh.click();
    await h.waitStatus(page, /A new release is shown/);
    assert.match(await page.locator('#privacy-terms').textContent(), new RegExp(spent + ' of 300'));
    await page.evaluate(() => { document.getElementById('status').textContent = ''; });
  }
  await fresh.click();
  await h.waitStatus(page, /privacy budget of the period is spent/);
  assert.ok(await page.locator('#figures').isVisible(), 'the latest release stays shown');

  // On a phone: nothing scrolls sideways and the check passes.
  const phone = await h.openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.goto(server.url + 'console.html');
  await phone.evaluate((s) => sessionStorage.setItem('haven.staff', s),
    await page.evaluate(() => sessionStorage.getItem('haven.staff')));
  await phone.goto(server.url + 'insights.html');
  await phone.locator('#figures').waitFor();
  const [scroll, client] = await phone.evaluate(() =>
    [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client, 'no sideways scroll: ' + scroll + ' > ' + client);
  assert.deepEqual(await checkAccessibility(phone), [], 'the insights page on a phone');
  // The refused release is a 409 by design; nothing else went wrong on any page.
  const others = (p) => p.problems.filter((x) => !/^409 for .*\/api\/admin\/insights\?fresh=1$/.test(x));
  for (const p of [page, phone, ...people]) assert.deepEqual(others(p), []);
});

test('a supporter gets no link and is refused; without a sign-in the page says so', { skip }, async (t) => {
  const dirs = h.serverDirs(t);
  const sam = h.createStaff(dirs.dataDir, dirs.keyFile, 'sam', 'supporter');
  const server = await h.startServer(t, dirs);
  const browser = await h.launchBrowser(t);

  const nobody = await h.openPage(browser);
  await nobody.goto(server.url + 'insights.html');
  await nobody.getByRole('heading', { name: 'Sign in first' }).waitFor();
  assert.ok(await nobody.locator('#figures').isHidden());
  assert.deepEqual(await checkAccessibility(nobody), [], 'the page without a sign-in');

  const page = await h.openPage(browser);
  await signIn(page, server.url, sam);
  assert.ok(await page.locator('#insights-link').isHidden(), 'no Insights link for a supporter');
  await page.goto(server.url + 'insights.html');
  await h.waitStatus(page, /Not allowed/);
  assert.match(await page.locator('#signin-needed-text').textContent(), /for admins only/);
  assert.ok(await page.locator('#figures').isHidden());
  // The refused attempt is a 403 by design; nothing else went wrong on the page.
  assert.deepEqual(page.problems.filter((p) => !/^403 for .*\/api\/admin\/insights$/.test(p)), []);
  assert.deepEqual(nobody.problems, []);
});
