// The shared helpers of the browser tests: the settings, launching Debian Chromium, signing
// in, switching the language through the header form, and running axe-core.
//
// Settings (environment):
//   KIRJAAMO_BROWSER_BASE_URL   the running server, e.g. http://127.0.0.1:8080 (required)
//   KIRJAAMO_DEMO_PASSWORD      the demo accounts' password (default kirjaamo-demo-2026)
//   KIRJAAMO_BROWSER_HOSTILE_EMAIL  set when the hostile fixtures of tests/app/browser.rs are
//                               there: this account's name is hostile markup, and the outbox
//                               has a failed message to a hostile address (optional)
//   KIRJAAMO_BROWSER_LANGS      the languages to check (default fi,sv)
//   KIRJAAMO_CHROMIUM           the browser (default /usr/bin/chromium)

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const BASE_URL = (process.env.KIRJAAMO_BROWSER_BASE_URL || '').replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('set KIRJAAMO_BROWSER_BASE_URL to the running server, e.g. http://127.0.0.1:8080');
}
export const DEMO_PASSWORD = process.env.KIRJAAMO_DEMO_PASSWORD || 'kirjaamo-demo-2026';
export const HOSTILE_EMAIL = process.env.KIRJAAMO_BROWSER_HOSTILE_EMAIL || '';

/// The demo accounts (`kirjaamo demo`), by role.
export const ACCOUNTS = {
  admin: 'admin@demo.kirjaamo.test',
  coordinator: 'coordinator@demo.kirjaamo.test',
  trainer: 'trainer@demo.kirjaamo.test',
  trainee: 'trainee@demo.kirjaamo.test',
  // A documentation expert of the demo network (Helsinki), who holds trainings.
  expert: 'helmi.heikkinen@demo.kirjaamo.test',
  // A county coordinator (Vantaa and Kerava): not in the demo world, tests/app/browser.rs
  // adds it (by hand: `kirjaamo user add --email county@demo.kirjaamo.test --name "Kerttu
  // Kirjaamiskoordinaattori" --role county-coordinator:vantaa-kerava`).
  county: 'county@demo.kirjaamo.test',
};

/// The languages the pages are checked in (the UI is Finnish first, then Swedish).
export const LANGS = (process.env.KIRJAAMO_BROWSER_LANGS || 'fi,sv').split(',').map((l) => l.trim()).filter(Boolean);

/// The WCAG 2.1 A and AA rules of axe-core.
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/// Debian's Chromium, headless. Playwright gives every launch a fresh temporary user-data-dir
/// and removes it on close.
export async function launch() {
  return chromium.launch({
    executablePath: process.env.KIRJAAMO_CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/// A new browser context (its own cookies) with the base URL set; it fails the test on any
/// JavaScript dialog (hostile content must run nothing, and the pages have no dialogs).
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ baseURL: BASE_URL, locale: 'fi-FI', ...options });
  context.on('page', watchPage);
  return context;
}

/// Records on the page what must never happen: dialogs, uncaught errors, CSP violations.
export function watchPage(page) {
  page.kirjaamoProblems = [];
  page.on('dialog', async (d) => {
    page.kirjaamoProblems.push(`a JavaScript ${d.type()} opened: ${JSON.stringify(d.message())}`);
    await d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => page.kirjaamoProblems.push(`uncaught error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) {
      page.kirjaamoProblems.push(`CSP violation: ${m.text()}`);
    }
  });
}

export async function newPage(context) {
  const page = await context.newPage();
  if (!page.kirjaamoProblems) watchPage(page);
  return page;
}

/// Opens a path and fails on an unexpected status.
export async function visit(page, path, { status = 200 } = {}) {
  const res = await page.goto(path, { waitUntil: 'load' });
  if (!res) throw new Error(`no response for ${path}`);
  if (res.status() !== status) {
    throw new Error(`${path}: expected HTTP ${status}, got ${res.status()}`);
  }
  return res;
}

/// Signs in through the login form, as a person would.
export async function signIn(page, email, password = DEMO_PASSWORD) {
  await visit(page, '/login');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type="submit"]')]);
  const signedIn = await page.locator('form[action="/logout"]').count();
  if (!signedIn) throw new Error(`signing in as ${email} failed (still no logout button on ${page.url()})`);
}

/// Chooses the language with the header's language switch (a POST form), as a person would.
export async function switchLanguage(page, lang) {
  if (!page.url().startsWith(BASE_URL)) await visit(page, '/');
  await page.selectOption('#lang-select', lang);
  await Promise.all([
    page.waitForLoadState('load'),
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/kieli'),
    page.click('form.lang-switch button[type="submit"]'),
  ]);
  await page.waitForLoadState('load');
  const got = await htmlLang(page);
  if (got !== lang) throw new Error(`after switching to ${lang} the page says lang="${got}"`);
}

export async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.getAttribute('lang'));
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/// Runs axe-core (WCAG 2.1 A and AA) on the page as it is now. The script is evaluated over
/// the DevTools protocol, so the page's CSP (no inline script) stays on.
export async function axe(page) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    async (tags) => {
      const r = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations', 'incomplete'],
      });
      const brief = (list) =>
        list.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({
            target: n.target.join(' '),
            html: n.html.slice(0, 200),
            summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim(),
          })),
        }));
      return { violations: brief(r.violations), incomplete: brief(r.incomplete) };
    },
    AXE_TAGS,
  );
}

/// The violations in a form that says what to fix, and where.
export function formatViolations(where, violations) {
  const lines = [`axe: ${violations.length} violation(s) on ${where}:`];
  for (const v of violations) {
    lines.push(`  - ${v.id} [${v.impact}] ${v.help}`);
    lines.push(`    ${v.helpUrl}`);
    for (const n of v.nodes) {
      lines.push(`    at ${n.target}`);
      lines.push(`       ${n.html}`);
      if (n.summary) lines.push(`       ${n.summary}`);
    }
  }
  return lines.join('\n');
}

/// Fails with everything the page's watchers recorded.
export function assertNoProblems(page, where) {
  const p = page.kirjaamoProblems || [];
  if (p.length) throw new Error(`${where}:\n  ${p.join('\n  ')}`);
}

/// Fails when the page has axe violations (WCAG 2.1 A/AA) or recorded problems.
export async function assertAccessible(page, where) {
  const r = await axe(page);
  if (r.violations.length) throw new Error(formatViolations(where, r.violations));
  assertNoProblems(page, where);
}

/// How a Finn (or a Swede) writes the Helsinki wall-clock time of an instant: "6.12.2026 klo
/// 9.05" ("kl." in Swedish), whatever zone the machine or the browser runs in.
export function helsinki(date, lang) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Helsinki', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: '2-digit', hourCycle: 'h23',
    }).formatToParts(date).map((p) => [p.type, p.value]),
  );
  const day = `${Number(parts.day)}.${Number(parts.month)}.${parts.year}`;
  const time = `${Number(parts.hour)}.${parts.minute}`;
  return lang === 'sv' ? `${day} kl. ${time}` : `${day} klo ${time}`;
}
