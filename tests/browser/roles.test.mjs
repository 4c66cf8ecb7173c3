// A day in the life of every role (issue 16, "the proof"): the trainee, the trainer, the
// regional coordinator, the county coordinator and the admin each sign in, in Finnish and in
// Swedish, and do what they usually do by clicking links and buttons. Every page of the day is
// checked as that person sees it: axe (WCAG 2.1 A/AA) finds nothing, the document is no wider
// than the window at 1280, 1024 and 375 px, and every link of the navigation and the home page
// answers below 400 (no 403 dead ends). After each action the next page says what happened in
// a role="alert" notice, which is gone on the page view after; a post shows Helsinki time
// (the browser runs in New York's zone) and figures use a decimal comma.
//
// The days build on each other in order: the trainee's question is the one the trainer
// answers. The county coordinator is added by tests/app/browser.rs (see ACCOUNTS.county).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNTS, BASE_URL, LANGS, launch, newContext, newPage, signIn, switchLanguage, visit,
  assertAccessible, helsinki,
} from './lib/kirjaamo.mjs';
import { WIDTHS, measure } from './lib/widths.mjs';
import { t } from './lib/locale.mjs';

const DEMO_COHORT = 'Kevät 2027, Socca (demo)';
const LESSON = 'asiakkaan-osallisuus';
/// The trainee whom the admin makes a trainer and then a trainee again.
const PERSON = 'Sanna Virtanen';
/// The county coordinator's county, as each language names it.
const COUNTY = { fi: 'Vantaan ja Keravan hyvinvointialue', sv: 'Vanda och Kervo välfärdsområde' };
const STAMP = Date.now().toString(36);
/// The trainee's question in each language, which the trainer then answers.
const questions = {};

const squash = (s) => s.replace(/\s+/g, ' ').trim();
const mainText = async (page) => squash(await page.locator('main').innerText());
const path = (page) => { const u = new URL(page.url()); return `${u.pathname}${u.search}`; };

/// One person's day in one language: every page it reaches is checked the same way.
class Day {
  constructor(page, who, lang) {
    Object.assign(this, { page, who, lang, seen: [] });
  }

  where() { return `${path(this.page)} (${this.who}, ${this.lang})`; }

  /// axe, the page's language, and its width at each of WIDTHS (laid out again by resizing
  /// the same page, as a window resized or a phone turned would be).
  async check() {
    const { page } = this;
    const where = this.where();
    this.seen.push(path(page));
    assert.equal(await page.evaluate(() => document.documentElement.lang), this.lang, `${where}: <html lang>`);
    await assertAccessible(page, where);
    const problems = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      const m = await measure(page);
      if (m.sw > m.vw) problems.push(`at ${width} px the document is ${m.sw} px wide; sticking out: ${m.culprits.join(', ') || '?'}`);
      for (const r of m.badRegions) problems.push(`at ${width} px a sideways-scrolling region is not focusable and named: ${r}`);
    }
    await page.setViewportSize({ width: WIDTHS[0], height: 900 });
    assert.deepEqual(problems, [], `${where}:\n${problems.join('\n')}`);
  }

  /// Every link of the navigation and of the main content answers below 400 for this person
  /// (redirects followed; the browser's own cookies, so as this person).
  async linksAnswer() {
    const hrefs = await this.page.$$eval('header a[href], nav a[href], main a[href]', (as) => as.map((a) => a.href));
    const own = [...new Set(hrefs.map((h) => h.split('#')[0]))].filter((h) => h.startsWith(BASE_URL));
    assert.ok(own.length >= 5, `${this.where()}: only ${own.length} links`);
    const bad = [];
    for (const href of own) {
      const res = await this.page.request.get(href);
      if (res.status() >= 400) bad.push(`${new URL(href).pathname}${new URL(href).search} answers ${res.status()}`);
    }
    assert.deepEqual(bad, [], `links on ${this.where()}:\n${bad.join('\n')}`);
  }

  /// Clicks a link (or a GET form's button), expects the page it leads to (200), and checks it.
  async follow(link) {
    const { page } = this;
    assert.equal(await link.count(), 1, `${this.where()}: one link expected for ${link}`);
    const href = await link.getAttribute('href');
    const target = href && new URL(href, page.url());
    if (target) target.hash = '';
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().frame() === page.mainFrame() &&
        (target ? r.url().split('#')[0] === target.href : r.request().method() === 'GET')),
      link.click(),
    ]);
    await page.waitForLoadState('load');
    assert.equal(res.status(), 200, `${res.url()}: HTTP ${res.status()}`);
    await this.check();
  }

  /// A link of the header's navigation, by its address.
  nav(href) { return this.page.locator(`header nav a[href="${href}"]`); }

  /// Presses a submit button and waits for the page that answers the POST.
  async press(button) {
    const { page } = this;
    assert.equal(await button.count(), 1, `${this.where()}: one button expected for ${button}`);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      button.click(),
    ]);
    await page.waitForLoadState('load');
    return res;
  }

  /// The action's notice: once, in an alert region, in the page's language; the page is
  /// checked with it showing; a reload shows the page without it.
  async notice(key) {
    const { page } = this;
    const notice = page.locator('main [role="alert"].notice');
    assert.equal(await notice.count(), 1, `${this.where()}: one notice in an alert region after the action`);
    assert.equal(squash(await notice.innerText()), t(this.lang, key), `${this.where()}: the notice`);
    await this.check();
    await page.reload({ waitUntil: 'load' });
    assert.equal(await notice.count(), 0, `${this.where()}: the notice is shown once`);
  }

  /// The home page: checked, with every link of it and of the navigation answering.
  async home() {
    await this.follow(this.page.locator('header nav a[href="/"]'));
    await this.linksAnswer();
  }
}

/// The post `article` shows the Helsinki time of an instant a moment ago, with the offset.
async function assertHelsinkiTime(article, lang) {
  const time = article.locator('time[datetime]').first();
  const datetime = await time.getAttribute('datetime');
  assert.match(datetime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[23]:00$/, `a Helsinki offset: ${datetime}`);
  const instant = new Date(datetime);
  assert.ok(Math.abs(Date.now() - instant.getTime()) < 10 * 60 * 1000, `${datetime} is now, not hours off`);
  assert.equal(squash(await time.innerText()), helsinki(instant, lang));
}

/// Figures with a decimal comma ("0,6 %"), never a decimal point.
async function assertDecimalCommas(page, where) {
  const text = await mainText(page);
  assert.match(text, /\d+,\d\s?%/, `${where}: a percentage with a decimal comma`);
  assert.doesNotMatch(text, /\d\.\d+\s?%/, `${where}: a decimal point`);
}

const DAYS = {
  // Opens a lesson from their home, answers its self-check, asks in its discussion.
  async trainee(day) {
    const { page, lang } = day;
    await day.home();
    await day.follow(page.locator(`main a:text-is("${DEMO_COHORT}")`));
    await day.follow(page.locator(`main a[href="${LESSON}"]`).last());
    const checks = page.locator('section#tarkistus fieldset.check');
    const n = await checks.count();
    assert.ok(n > 0, 'the lesson has a self-check');
    for (let i = 0; i < n; i += 1) await checks.nth(i).locator('input').first().check();
    await day.press(page.locator('section#tarkistus form button[type="submit"]'));
    assert.match(path(page), new RegExp(`/${LESSON}$`), 'back on the lesson');
    assert.equal(await page.locator('section#tarkistus [role="status"]').count(), 1, 'the result, announced');
    assert.equal(await page.locator('section#tarkistus .feedback').count(), n, 'feedback on every question');
    await day.check();
    await day.follow(page.locator(`main a[href$="${LESSON}/keskustelu"]`).first());
    const title = lang === 'sv' ? `Hur dokumenterar jag ett inställt besök? ${STAMP}` : `Miten kirjaan perutun käynnin? ${STAMP}`;
    await page.fill('#title', title);
    await page.fill('#body', lang === 'sv' ? 'Klienten ringde och ställde in hembesöket.' : 'Asiakas soitti ja perui kotikäynnin.');
    await day.press(page.locator('section.new-thread button[value="send"]'));
    assert.match(path(page), /^\/keskustelut\/ketju\/\d+/);
    assert.equal(squash(await page.locator('main h1').innerText()), title);
    await assertHelsinkiTime(page.locator('main article').first(), lang);
    await day.notice('notice.post_published');
    questions[lang] = title;
  },

  // Sees their cohorts and the trainees' progress at home, answers the waiting question from
  // the unanswered queue, opens the cohort's trainee list.
  async trainer(day) {
    const { page, lang } = day;
    await day.home();
    const card = page.locator(`main li.card:has(h3 a:text-is("${DEMO_COHORT}"))`);
    assert.ok(await card.count(), `the home page lists ${DEMO_COHORT}`);
    assert.match(squash(await card.innerText()), /\d+,\d\s?%/, 'progress with a decimal comma');
    await day.follow(card.locator('a[href="/keskustelut/valmentaja"]'));
    const question = questions[lang] ? page.locator(`main td a:text-is("${questions[lang]}")`) : page.locator('main td a').first();
    await day.follow(question);
    const answer = lang === 'sv'
      ? 'Dokumentera att besöket ställdes in, orsaken om klienten berättade den och vad ni kom överens om.'
      : 'Kirjaa peruminen, syy jos asiakas sen kertoi, ja mitä sovitte seuraavaksi.';
    await page.fill('#vastaa #body', answer);
    await day.press(page.locator('#vastaa button[value="send"]'));
    const reply = page.locator(`main article:has-text("${answer}")`);
    assert.equal(await reply.count(), 1, 'the answer is in the thread');
    await assertHelsinkiTime(reply, lang);
    await day.notice('notice.post_published');
    await day.follow(day.nav('/hallinta/ryhmat'));
    await day.follow(page.locator(`main a:text-is("${DEMO_COHORT}")`).first());
  },

  // Opens a new cohort and adds its trainer; reads the reach on the network page and the
  // overview.
  async coordinator(day) {
    const { page, lang } = day;
    await day.home();
    await day.follow(day.nav('/hallinta/ryhmat'));
    await day.follow(page.locator('main a[href="/hallinta/ryhmat/uusi"]'));
    const date = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
    const name = `${lang === 'sv' ? 'Hösten' : 'Syksy'} 2027 ${STAMP}`;
    const course = await page.$eval('#course_id', (s) => [...s.options].find((o) => o.value).value);
    await page.selectOption('#course_id', course);
    if (await page.$eval('#region_id', (s) => !s.value)) await page.selectOption('#region_id', { index: 1 });
    await page.fill('#name', name);
    await page.fill('#starts_on', date(90));
    await page.fill('#ends_on', date(120));
    await page.fill('#applications_open_on', date(0));
    await page.fill('#applications_close_on', date(60));
    await page.fill('#capacity', '20');
    await day.press(page.locator('main form.form button[type="submit"]'));
    assert.match(path(page), /^\/hallinta\/ryhmat\/\d+$/, `the new cohort's page, not ${path(page)}`);
    assert.equal(squash(await page.locator('main h1').innerText()), name);
    await day.notice('notice.cohort_created');
    await page.fill('#trainer-email', ACCOUNTS.trainer);
    await day.press(page.locator('form[action$="/valmentajat"] button[type="submit"]'));
    await day.notice('notice.trainer_added');
    assert.match(await mainText(page), /Ville Valmentaja/, 'the trainer is listed');
    await day.follow(day.nav('/verkosto'));
    await assertDecimalCommas(page, day.where());
    await day.follow(day.nav('/hallinta/yleiskuva'));
    await assertDecimalCommas(page, day.where());
  },

  // Their county's network, the region's cohorts they follow, an organisation saved.
  async county(day) {
    const { page, lang } = day;
    await day.home();
    await day.follow(day.nav('/verkosto'));
    assert.match(squash(await page.locator('main h1').innerText()), new RegExp(COUNTY[lang]), 'the county, named in the language');
    await assertDecimalCommas(page, day.where());
    await day.follow(day.nav('/hallinta/ryhmat'));
    assert.ok(await page.locator(`main :text-is("${DEMO_COHORT}")`).count(), "the region's cohorts are listed");
    assert.equal(await page.locator('main a[href="/hallinta/ryhmat/uusi"]').count(), 0, 'followed, not run: no new cohort');
    await day.follow(day.nav('/hallinta/organisaatiot'));
    // The staff count as it is written: a non-breaking space between thousands ("2 100").
    assert.match(await page.locator('main td.numeric').first().innerText(), /^\d{1,3}(\u00a0\d{3})+$/);
    await day.follow(page.locator('main a[href$="/muokkaa"]').first());
    await day.press(page.locator('main form button[type="submit"]'));
    await day.notice('notice.organisation_saved');
  },

  // Makes a trainee a trainer and back through the confirmation pages, reads the audit log.
  async admin(day) {
    const { page, lang } = day;
    await day.home();
    await day.follow(day.nav('/hallinta/kayttajat'));
    await day.follow(page.locator(`main a:text-is("${PERSON}")`));
    const userPage = path(page);
    await page.selectOption('#role', 'trainer');
    await day.follow(page.locator('main form[action$="/roolit"] button[type="submit"]'));
    assert.match(await mainText(page), new RegExp(t(lang, 'home.role_trainer')), 'the confirmation names the role');
    await day.press(page.locator('main form[action$="/roolit"] button[type="submit"]'));
    assert.equal(path(page), userPage);
    await day.notice('notice.role_granted');
    const roles = page.locator('main ul').first();
    assert.match(squash(await roles.innerText()), new RegExp(t(lang, 'home.role_trainer')));
    await day.follow(page.locator('main a[href*="/roolit/poista?role=trainer"]'));
    await day.press(page.locator('main form[action$="/roolit/poista"] button[type="submit"]'));
    assert.equal(path(page), userPage);
    await day.notice('notice.role_revoked');
    await day.follow(day.nav('/hallinta/loki'));
    const newest = page.locator('main tbody tr').first();
    assert.match(squash(await newest.innerText()), new RegExp(t(lang, 'audit_action.role.revoke')), 'the revocation is logged first');
    const time = newest.locator('time[datetime]');
    assert.equal(squash(await time.innerText()), helsinki(new Date(await time.getAttribute('datetime')), lang));
  },
};

describe("each role's day (fi, sv)", () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  for (const who of Object.keys(DAYS)) {
    for (const lang of LANGS.filter((l) => ['fi', 'sv'].includes(l))) {
      it(`${who} (${lang})`, async () => {
        // In another zone than Helsinki, so nothing on the pages can come from the browser.
        const context = await newContext(browser, { timezoneId: 'America/New_York', viewport: { width: WIDTHS[0], height: 900 } });
        try {
          const page = await newPage(context);
          await signIn(page, ACCOUNTS[who]);
          await switchLanguage(page, lang);
          const day = new Day(page, who, lang);
          await DAYS[who](day);
          console.log(`  ${who} (${lang}): ${day.seen.length} page views checked`);
        } finally {
          await context.close();
        }
      });
    }
  }
});
