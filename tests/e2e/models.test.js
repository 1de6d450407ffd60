// Retraining from clinicians (issue 7), in the browser: a clinician labels a person's message in
// the console (only where the person allows de-identified use: elsewhere the form says why and
// keeps nothing); an admin opens "Models" from the console and sees the model registry as a
// chart and a table, approves a candidate that passed the evaluation gate, cannot approve one
// the gate refused, and rolls back to the shipped models; the server runs each change at once,
// and follows a change made with `haven models` within its --models-poll period, without a
// restart; a supporter is refused. The accessibility check on each page.
//
// The registry's versions are made the way `haven train` leaves them (the model files in a
// directory per version, registry.json beside them), here from copies of the shipped model, so
// that the page is tested without a training run (tests/integration/train_test.py runs one).
'use strict';

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const h = require('./lib');
const { checkAccessibility } = require('./a11y');

const skip = h.missingPrerequisite() ||
  (fs.existsSync(path.join(h.ROOT, 'web', 'models.html')) ? false : 'no web/models.html');

const RISKY = "I have the pills here and I'm going to take them all tonight";

async function signIn(page, url, staff) {
  await page.goto(url + 'console.html');
  await page.getByLabel('Username').fill(staff.username);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByLabel(/Code from your authenticator app/).fill(h.totp(staff.secret));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => /^Connected as/.test(document.getElementById('conn').textContent));
}

// A seeker who says the risky message; with `allow`, after allowing de-identified use.
async function seeker(browser, url, allow) {
  const page = await h.openPage(browser);
  await h.consent(page, url);
  if (allow) {
    await page.goto(url + 'privacy.html');
    await page.getByRole('checkbox', { name: 'Allow de-identified use to improve Haven' }).check();
    await page.getByText('Saved.').waitFor();
    await page.goto(url);
  }
  await h.say(page, RISKY);
  return page;
}

test('a clinician labels a message, only with the person\'s consent', { skip }, async (t) => {
  const dirs = h.serverDirs(t);
  const cleo = h.createStaff(dirs.dataDir, dirs.keyFile, 'cleo', 'clinician');
  const server = await h.startServer(t, dirs);
  const browser = await h.launchBrowser(t);
  const allowing = await seeker(browser, server.url, true);
  const desk = await h.openPage(browser);
  await signIn(desk, server.url, cleo);
  await desk.locator('#queue li').first().waitFor();
  const refusing = await seeker(browser, server.url, false);
  await desk.locator('#queue li').nth(1).waitFor();

  // The queue ranks by priority, then waiting time: the first person is first.
  await desk.locator('#queue li').first().getByRole('button').click();
  await desk.locator('#log li.user').first().waitFor();
  const message = desk.locator('#log li.user').first();
  await message.locator('summary', { hasText: 'Label this message' }).click();
  // The form starts from the analyzer's reading, for the clinician to correct.
  const risk = message.getByLabel('Risk level');
  assert.match(await risk.inputValue(), /^(high|imminent)$/);
  await risk.selectOption('imminent');
  await message.getByLabel('Emotions (up to 3)').selectOption(['sadness', 'fear']);
  await message.getByLabel('Intent').selectOption('crisis');
  await message.getByRole('button', { name: 'Save label' }).click();
  await message.getByText('Label saved.').waitFor();
  assert.equal(await message.locator('details.label summary').textContent(),
    'Labelled: risk imminent \u00b7 fear, sadness \u00b7 crisis (by cleo)');
  assert.deepEqual(await checkAccessibility(desk), [], 'the console with a label form open');

  // Four emotions are one too many: said, nothing sent.
  await message.getByLabel('Emotions (up to 3)').selectOption(['sadness', 'fear', 'grief', 'anger']);
  await message.getByRole('button', { name: 'Save label' }).click();
  await message.getByText('Choose at most 3 emotions.').waitFor();

  // The other person allows no de-identified use: the form says so and cannot save.
  await desk.locator('#queue li').nth(1).getByRole('button').click();
  await desk.waitForFunction(() => document.querySelectorAll('#log li.user').length === 1 &&
    !document.querySelector('#log li.user details.label .label-consent').hidden);
  const other = desk.locator('#log li.user').first();
  await other.locator('summary').click();
  await other.getByText('This person has not allowed de-identified use: labels are not kept.').waitFor();
  assert.ok(await other.getByRole('button', { name: 'Save label' }).isDisabled());

  // Reopened, the first person's label is there.
  await desk.locator('#queue li').first().getByRole('button').click();
  await desk.locator('#log li.user details.label summary', { hasText: 'Labelled: risk imminent' }).waitFor();
  for (const p of [desk, allowing, refusing]) assert.deepEqual(p.problems, []);
});

// A registry as `haven train` leaves one: `versions` are [name, passed] pairs.
function registry(dataDir, versions) {
  const dir = path.join(dataDir, 'models');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const index = { schema: 1, active: 'shipped', versions: [], events: [] };
  for (const [name, passed, recall] of versions) {
    fs.mkdirSync(path.join(dir, name));
    for (const f of ['risk.ftz', 'risk.thresholds']) {
      fs.copyFileSync(path.join(h.ROOT, 'data', 'models', f), path.join(dir, name, f));
    }
    const m = { cases: 520, at_risk_recall: recall, urgent_recall: recall, false_alarm_rate: 0.09,
      labelled: 4, label_agreement: 0.75 };
    index.versions.push({
      version: name, model: 'risk', created_at: '2026-12-04T10:00:00Z', created_by: 'operator',
      files: [], data: { labels: 4, goemotions: true }, metrics: m,
      baseline: { version: 'shipped', metrics: { ...m, at_risk_recall: 0.928, urgent_recall: 0.931 } },
      gate: { passed, reasons: passed ? [] : ['urgent recall 0.900 < 0.931 (may not fall)'] },
      status: passed ? 'candidate' : 'refused',
    });
  }
  fs.writeFileSync(path.join(dir, 'registry.json'), JSON.stringify(index));
}

test('an admin approves a candidate, cannot approve a refused one, and rolls back', { skip }, async (t) => {
  const dirs = h.serverDirs(t);
  const ada = h.createStaff(dirs.dataDir, dirs.keyFile, 'ada', 'admin');
  const sam = h.createStaff(dirs.dataDir, dirs.keyFile, 'sam', 'supporter');
  registry(dirs.dataDir, [['risk-20261204T090000Z-aaaaaa', false, 0.9],
    ['risk-20261204T100000Z-bbbbbb', true, 0.94]]);
  const server = await h.startServer(t, dirs, 0, ['--models-poll', '0.2']);
  const browser = await h.launchBrowser(t);
  const page = await h.openPage(browser);
  await signIn(page, server.url, ada);
  await page.getByRole('link', { name: 'Models' }).click();
  await page.locator('#registry').waitFor();
  assert.match(await page.locator('#running').textContent(),
    /Active version: shipped\. This server runs: shipped\./);
  const rows = page.locator('#versions tbody tr');
  assert.equal(await rows.count(), 3, 'the shipped models and two versions');
  const refused = page.locator('tr[data-version="risk-20261204T090000Z-aaaaaa"]');
  assert.match(await refused.textContent(), /refused: urgent recall 0\.900 < 0\.931/);
  assert.equal(await refused.getByRole('button').count(), 0, 'no approve button for a refused version');
  const chart = page.getByRole('img', { name: /At-risk recall, urgent recall and false alarms/ });
  await chart.waitFor();
  assert.deepEqual(await checkAccessibility(page), [], 'the models page');
  if (process.env.HAVEN_SCREENSHOTS) {
    await page.screenshot({ path: path.join(process.env.HAVEN_SCREENSHOTS, 'models.png'), fullPage: true });
  }

  await page.getByRole('button', { name: 'Approve risk-20261204T100000Z-bbbbbb' }).click();
  await h.waitStatus(page, /risk-20261204T100000Z-bbbbbb is now the active version/);
  // Loaded by this server at once: no restart.
  assert.match(await page.locator('#running').textContent(),
    /Active version: risk-20261204T100000Z-bbbbbb\. This server runs: risk-20261204T100000Z-bbbbbb\./);
  assert.match(server.stderr(), /models: risk-20261204T100000Z-bbbbbb \(model registry, loaded while serving\)/);
  assert.match(await page.locator('#events').textContent(), /ada approved risk-20261204T100000Z-bbbbbb \(was shipped\)/);
  // The refused version stays refused through the API too (the gate's verdict stands).
  const forced = await page.evaluate(async () => {
    const s = JSON.parse(sessionStorage.getItem('haven.staff'));
    const r = await fetch('/api/admin/models/approve', { method: 'POST',
      headers: { Authorization: 'Bearer ' + s.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ version: 'risk-20261204T090000Z-aaaaaa' }) });
    return [r.status, await r.json()];
  });
  assert.equal(forced[0], 409);
  assert.match(forced[1].detail, /refused by the evaluation gate/);

  await page.getByRole('button', { name: 'Roll back to shipped' }).click();
  await h.waitStatus(page, /shipped is now the active version/);
  assert.match(await page.locator('#events').textContent(), /ada rolled back to shipped/);
  // A change made elsewhere (`haven models`, another instance) reaches this server within its
  // poll period: the page, reloaded, shows it running.
  const cli = spawnSync(h.HAVEN, ['models', 'rollback', 'risk-20261204T100000Z-bbbbbb',
    '--data-dir', dirs.dataDir, '--by', 'ada'],
  { encoding: 'utf8', timeout: h.WAIT });
  assert.equal(cli.status, 0, cli.stderr);
  const deadline = Date.now() + h.WAIT;
  for (;;) {
    await page.reload();
    await page.locator('#running', { hasText: 'This server runs' }).waitFor();
    const said = await page.locator('#running').textContent();
    if (/This server runs: risk-20261204T100000Z-bbbbbb\./.test(said)) break;
    assert.ok(Date.now() < deadline, 'the server never followed the rollback: ' + said);
    await new Promise((r) => setTimeout(r, 300));
  }
  // A restarted server starts on the active version.
  await server.stop();
  const again = await h.startServer(t, dirs);
  assert.match(again.stderr(), /models: risk-20261204T100000Z-bbbbbb \(model registry\)/);

  // A supporter is refused (and the attempt audited), and gets no link.
  const other = await h.openPage(browser);
  await signIn(other, again.url, sam);
  assert.ok(await other.locator('#models-link').isHidden());
  await other.goto(again.url + 'models.html');
  await h.waitStatus(other, /Not allowed\./);
  const problems = (p) => p.problems.filter((x) => !/^(403|409) for .*\/api\/admin\/models/.test(x));
  for (const p of [page, other]) assert.deepEqual(problems(p), []);
});
