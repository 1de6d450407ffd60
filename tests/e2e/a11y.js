// A small automated accessibility check of our own (WCAG 2.1 AA, the parts a script can see):
// every form control has a label, every image has alt, every button has a name, the message log
// is a live region, the page has a language and one h1, ids are unique, text contrast is at least
// 4.5:1 (3:1 for large text), and every focusable control shows a visible focus indicator.
// It does not replace a review with a screen reader.
'use strict';

// Runs in the page; returns a list of problems (empty when it passes).
function inPage() {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) &&
    getComputedStyle(el).visibility !== 'hidden';
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');

  // Names and labels.
  const nameOf = (el) => {
    if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ');
    if (el.labels && el.labels.length) return [...el.labels].map((l) => l.textContent).join(' ');
    return '';
  };
  if (!document.documentElement.lang) problems.push('html has no lang');
  if (!document.title.trim()) problems.push('page has no title');
  if (document.querySelectorAll('h1').length !== 1) problems.push('page needs exactly one h1');
  for (const el of document.querySelectorAll('input:not([type=hidden]), textarea, select')) {
    if (!nameOf(el).trim()) problems.push(describe(el) + ' has no label');
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(describe(img) + ' has no alt');
  }
  for (const b of document.querySelectorAll('button, [role=button], a[href]')) {
    if (!(nameOf(b) || b.textContent).trim()) problems.push(describe(b) + ' has no name');
  }
  const seen = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (seen.has(el.id)) problems.push('duplicate id ' + el.id);
    seen.add(el.id);
  }
  const log = document.getElementById('log');
  if (log && !['polite', 'assertive'].includes(log.getAttribute('aria-live'))) {
    problems.push('#log is not a live region');
  }
  for (const fs of document.querySelectorAll('fieldset')) {
    if (!fs.querySelector('legend')?.textContent.trim()) problems.push(describe(fs) + ' has no legend');
  }

  // Contrast of visible text against its effective background.
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const checked = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || checked.has(el) || !visible(el)) continue;
    if (el.closest('button:disabled, .visually-hidden, noscript')) continue;
    checked.add(el);
    const cs = getComputedStyle(el);
    const fg = parse(cs.color);
    const size = parseFloat(cs.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
    const r = ratio(fg, background(el));
    if (r < (large ? 3 : 4.5)) problems.push(describe(el) + ' contrast ' + r.toFixed(2));
  }

  // Focus: every visible, enabled focusable control shows an outline or a ring when focused from
  // the keyboard (:focus-visible; the test focuses with the keyboard flag set by a Tab press).
  const focusables = document.querySelectorAll(
    'a[href], button:not(:disabled), input:not(:disabled), textarea:not(:disabled), [tabindex="0"]');
  for (const el of focusables) {
    if (!visible(el)) continue;
    el.focus();
    const cs = getComputedStyle(el);
    const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) ||
      (cs.boxShadow && cs.boxShadow !== 'none');
    if (!ring) problems.push(describe(el) + ' shows no focus indicator');
  }
  return problems;
}

// Presses Tab once first so that programmatic focus counts as keyboard focus (:focus-visible).
async function checkAccessibility(page) {
  await page.keyboard.press('Tab');
  return page.evaluate(inPage);
}

module.exports = { checkAccessibility };
