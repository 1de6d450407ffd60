// The admins' audit page (web/audit.html, issue 7): the periodic audit report's checks with
// their verdicts, the drift of the risk levels read as a chart, the fairness of the risk reading
// per variety of English (chart and table), and the learner's offline evaluation; a supporter is
// refused and the attempt audited. The accessibility check on a laptop and a phone.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const h = require('./lib');
const { checkAccessibility } = require('./a11y');

const skip = h.missingPrerequisite() ||
  (fs.existsSync(path.join(h.ROOT, 'web', 'audit.html')) ? false : 'no web/audit.html');

async function signIn(page, url, staff) {
  await page.goto(url + 'console.html');
  await page.getByLabel('Username').fill(staff.username);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByLabel(/Code from your authenticator app/).fill(h.totp(staff.secret));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => /^Connected as/.test(document.getElementById('conn').textContent));
}

test('an admin reads the audit report, drift, fairness and learning as charts and tables', { skip }, async (t) => {
  const dirs = h.serverDirs(t);
  const ada = h.createStaff(dirs.dataDir, dirs.keyFile, 'ada', 'admin');
  const sam = h.createStaff(dirs.dataDir, dirs.keyFile, 'sam', 'supporter');
  const server = await h.startServer(t, dirs);
  const browser = await h.launchBrowser(t);
  const seeker = await h.openPage(browser);
  await h.consent(seeker, server.url);
  await h.say(seeker, 'work has been really stressful this month');

  const page = await h.openPage(browser);
  await signIn(page, server.url, ada);
  await page.getByRole('link', { name: 'Audit' }).click();
  await page.locator('#report').waitFor();
  await page.locator('#fairness').waitFor();
  await page.locator('#learning').waitFor();
  const checks = page.locator('#checks tbody tr');
  assert.ok(await checks.count() >= 8, 'every check of the report is listed');
  assert.match(await page.locator('#checks').textContent(), /audit-chain|hash chain|chain/i);
  assert.match(await page.locator('#report-summary').textContent(),
    /Generated .* over the last 30 days: \d+ to act on now, \d+ to look at, \d+ ok\./);
  // The safety set is read on this server (a checkout): recall and fairness are measured.
  assert.match(await page.locator('#checks').textContent(), /at-risk recall 0\.\d+/);
  await page.getByRole('img', { name: /Messages read at each risk level/ }).waitFor();
  await page.getByRole('img', { name: /by variety of English/ }).waitFor();
  assert.equal(await page.locator('#varieties tbody tr th').first().textContent(), 'overall');
  assert.ok(await page.locator('#varieties tbody tr').count() >= 2, 'varieties of English listed');
  assert.match(await page.locator('#learning-figures').textContent(), /Choices logged0/);
  assert.equal(await page.locator('#status').textContent(), '');
  assert.deepEqual(await checkAccessibility(page), [], 'the audit page');
  if (process.env.HAVEN_SCREENSHOTS) {
    await page.screenshot({ path: path.join(process.env.HAVEN_SCREENSHOTS, 'audit.png'), fullPage: true });
  }

  const phone = await h.openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.goto(server.url + 'console.html');
  await phone.evaluate((s) => sessionStorage.setItem('haven.staff', s),
    await page.evaluate(() => sessionStorage.getItem('haven.staff')));
  await phone.goto(server.url + 'audit.html');
  await phone.locator('#fairness').waitFor();
  const [scroll, client] = await phone.evaluate(() =>
    [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client, 'no sideways scroll: ' + scroll + ' > ' + client);
  assert.deepEqual(await checkAccessibility(phone), [], 'the audit page on a phone');

  const other = await h.openPage(browser);
  await signIn(other, server.url, sam);
  assert.ok(await other.locator('#audit-link').isHidden(), 'a supporter gets no link');
  await other.goto(server.url + 'audit.html');
  await h.waitStatus(other, /Not allowed\./);
  const problems = (p) => p.problems.filter((x) => !/^403 for .*\/api\/admin\/report$/.test(x));
  for (const p of [page, phone, other, seeker]) assert.deepEqual(problems(p), []);
});
