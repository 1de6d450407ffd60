// Shared helpers for Haven's browser end-to-end tests: the real `haven serve` in a temp
// directory (plain HTTP on loopback, port 0 unless a port is asked for), Debian's Chromium
// driven by playwright-core, headless with --no-sandbox. Every wait has a generous timeout;
// no test asserts how long anything took.
'use strict';

const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..', '..');
const HAVEN = process.env.HAVEN_BIN || path.join(ROOT, 'build', 'dev', 'cli', 'haven');
const CHROMIUM = process.env.HAVEN_CHROMIUM || '/usr/bin/chromium';
const WAIT = 30000;  // ms: the longest any single wait may take before the test fails

// Why the suite cannot run here, or '' when it can.
function missingPrerequisite() {
  if (!fs.existsSync(HAVEN)) return 'no haven binary at ' + HAVEN + ' (set HAVEN_BIN)';
  if (!fs.existsSync(CHROMIUM)) {
    return 'no Chromium at ' + CHROMIUM + ' (scripts/bootstrap.sh --test installs Debian\'s)';
  }
  try {
    require.resolve('playwright-core', { paths: [ROOT] });
  } catch (e) {
    return 'node_modules/playwright-core is missing (run `npm ci` in ' + ROOT + ')';
  }
  return '';
}

function tempDir(t, name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-e2e-' + name + '-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A directory pair for one server: its data and, outside it, the key file.
function serverDirs(t) {
  const tmp = tempDir(t, 'serve');
  fs.mkdirSync(path.join(tmp, 'keys'), { mode: 0o700 });
  return { dataDir: path.join(tmp, 'data'), keyFile: path.join(tmp, 'keys', 'haven.key') };
}

// Starts `haven serve`; resolves once it printed its URL. `stop()` sends SIGTERM (or the signal
// given) and waits for the exit. Registered with t.after so a failing test leaves nothing behind.
// `extraArgs` go at the end of the command line (e.g. ['--config', file]).
async function startServer(t, dirs, port = 0, extraArgs = []) {
  const args = ['serve', '--data-dir', dirs.dataDir, '--key-file', dirs.keyFile,
    '--listen', '127.0.0.1:' + port, '--insecure-http', '--web-root', path.join(ROOT, 'web'),
    ...extraArgs];
  const proc = spawn(HAVEN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('haven serve printed no URL; stderr: ' + stderr)), WAIT);
    const lines = readline.createInterface({ input: proc.stdout });
    lines.once('line', (line) => { clearTimeout(timer); resolve(line.trim()); });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error('haven serve exited with ' + code + '; stderr: ' + stderr));
    });
  });
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const server = {
    url,
    port: Number(new URL(url).port),
    proc,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  t.after(() => server.stop('SIGKILL'));
  return server;
}

// A staff account made the way an operator makes one: `haven admin create-user` with the password
// on stdin, against the server's data directory and key file (before the server starts; the
// command creates the database when there is none yet). Returns { username, role, password,
// secret } where `secret` is the base32 TOTP secret printed once.
function createStaff(dataDir, keyFile, username, role) {
  const password = 'correct horse battery staple';  // 12+ characters, not the username
  const r = spawnSync(HAVEN, ['admin', 'create-user', '--data-dir', dataDir, '--key-file', keyFile,
    '--username', username, '--role', role], { input: password + '\n', encoding: 'utf8', timeout: WAIT });
  if (r.status !== 0) {
    throw new Error('haven admin create-user ' + username + ' failed: ' + (r.stderr || r.error));
  }
  const line = r.stdout.split('\n').find((l) => l.startsWith('secret:'));
  if (!line) throw new Error('haven admin create-user printed no secret');
  return { username, role, password, secret: line.slice('secret:'.length).trim() };
}

// RFC 4648 base32 (no padding needed) to bytes.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// The TOTP code of a base32 secret at `ms` (default now): RFC 6238, HMAC-SHA1, 30-second steps,
// 6 digits.
function totp(secretBase32, ms = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 1000 / 30)));
  const mac = crypto.createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

async function launchBrowser(t) {
  const { chromium } = require(require.resolve('playwright-core', { paths: [ROOT] }));
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.after(() => browser.close());
  return browser;
}

// A fresh browser context (its own localStorage) and page. Page errors, console errors and CSP
// violations are collected in page.problems; tests check it stays empty.
async function openPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport || { width: 1280, height: 800 },
    locale: options.locale || 'en-US',
    ...(options.isMobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  context.setDefaultTimeout(WAIT);
  return watch(await context.newPage());
}

// Collects the page's errors, console errors (CSP violations among them) and failed loads.
function watch(page) {
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    // Failed loads and dropped sockets are reported below or are what a test does on purpose.
    if (m.type() === 'error' && !/WebSocket connection to .* failed|Failed to load resource/.test(m.text())) {
      page.problems.push('console error: ' + m.text());
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) {
      page.problems.push(r.status() + ' for ' + r.url());
    }
  });
  return page;
}

// Consent, as a person gives it: tick the box, press Start.
async function consent(page, url) {
  if (url) await page.goto(url);
  if (await page.locator('#chat').isVisible()) return;  // given before in this context
  await page.getByRole('checkbox', { name: /I understand that Haven is an AI/ }).check();
  await page.getByRole('button', { name: 'Start talking' }).click();
  await waitStatus(page, /Connected|Welcome back/);
}

// `timeout` (ms) for the waits that include a server's start under a sanitizer on a busy machine.
async function waitStatus(page, re, timeout = WAIT) {
  await page.waitForFunction(
    (src) => new RegExp(src).test(document.getElementById('status').textContent), re.source,
    { timeout });
}

// The committed messages in the log, in order: [{role, text, seq}] (not the lines that say who
// joined or left).
async function messages(page) {
  return page.$$eval('#log > li:not(.pending):not(.system)', (lis) => lis.map((li) => ({
    role: ['user', 'staff'].find((r) => li.classList.contains(r)) || 'assistant',
    text: li.querySelector('.text').textContent,
    seq: Number(li.dataset.seq),
  })));
}

// Types `text` and presses Enter; resolves when Haven's reply to it is in the log.
async function say(page, text) {
  const before = await page.locator('#log li.assistant').count();
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await page.locator('#log li.assistant').nth(before).waitFor();
  await page.waitForFunction(() => !document.querySelector('#log li.pending'));
  return page.locator('#log li.assistant').nth(before);
}

// Checks the log: seqs strictly increasing and each message once.
function assertOrderedOnce(list) {
  for (let i = 1; i < list.length; i++) {
    assert.ok(list[i].seq > list[i - 1].seq, 'seqs increase: ' + JSON.stringify(list));
  }
}

module.exports = {
  ROOT, HAVEN, CHROMIUM, WAIT, missingPrerequisite, tempDir, serverDirs, startServer,
  createStaff, totp, launchBrowser, openPage, watch, consent, waitStatus, messages, say,
  assertOrderedOnce,
};
