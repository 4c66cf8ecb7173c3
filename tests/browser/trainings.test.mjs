// An expert holds a training, as people would do it in a browser: the expert opens a training
// kit (its slides printed by Chromium to a PDF with one page per slide, the public handout to
// one or two pages), plans a training for today, shows the code; a participant signs in on a
// phone-sized screen and gives feedback, a second try is told they are already in; the
// coordinator sees the training in the area's calendar and the people reached. axe checks
// every page on the way.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNTS, launch, newContext, newPage, signIn, switchLanguage, visit, axe, formatViolations,
  assertNoProblems,
} from './lib/kirjaamo.mjs';
import { t } from './lib/locale.mjs';

const KIT = 'kirjaamisvalmennus/asiakaslahtoinen-kirjaaminen';

async function assertAccessible(page, where) {
  const r = await axe(page);
  assert.ok(r.violations.length === 0, formatViolations(where, r.violations));
  assertNoProblems(page, where);
}

async function press(page, locator) {
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), locator.click()]);
  await page.waitForLoadState('load');
}

const text = async (page, selector = 'main') => (await page.locator(selector).innerText()).replace(/\s+/g, ' ');

/// The number of pages of a PDF Chromium wrote: the page tree's /Count.
function pdfPages(bytes) {
  const s = Buffer.from(bytes).toString('latin1');
  const counts = [...s.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)/g)].map((m) => Number(m[1]));
  if (counts.length) return Math.max(...counts);
  return (s.match(/\/Type\s*\/Page[^s]/g) || []).length;
}

let broken = '';
function step(name, fn) {
  it(name, async (ctx) => {
    if (broken) return ctx.skip(`an earlier step failed: ${broken}`);
    try {
      await fn(ctx);
    } catch (e) {
      broken = name;
      throw e;
    }
  });
}

describe('an expert holds a training', () => {
  let browser;
  let expert;
  let phone;
  let code;
  let trainingPath;
  const name = `Selain Osallistuja ${Date.now() % 100000}`;

  before(async () => {
    browser = await launch();
    expert = await newPage(await newContext(browser));
    await signIn(expert, ACCOUNTS.expert);
    // The account remembers the last language chosen (the accessibility run changes it).
    await switchLanguage(expert, 'fi');
    phone = await newPage(await newContext(browser, { viewport: { width: 375, height: 740 } }));
  });
  after(async () => { await browser?.close(); });

  step('the expert finds the kits from the expert page', async () => {
    await visit(expert, '/asiantuntija');
    await Promise.all([
      expert.waitForURL(/\/valmennuspaketit$/),
      expert.getByRole('link', { name: t('fi', 'kits.all') }).click(),
    ]);
    await assertAccessible(expert, 'the training kits (fi)');
    await visit(expert, `/valmennuspaketit/${KIT}`);
    const guide = await text(expert);
    assert.ok(guide.includes(t('fi', 'kits.aims')) && guide.includes(t('fi', 'kits.questions')), guide);
    await assertAccessible(expert, "the facilitator's guide (fi)");
  });

  step('the slides work without script and print one slide per page', async () => {
    await visit(expert, `/valmennuspaketit/${KIT}/diat`);
    assert.equal(await expert.locator('script').count(), 0, 'no script on the slides');
    const slides = await expert.locator('section.slide').count();
    assert.ok(slides >= 4, `slides: ${slides}`);
    await assertAccessible(expert, 'the slides (fi)');
    // The links move from slide to slide.
    await expert.locator('#dia-1 a.slide-next').click();
    await expert.waitForURL(/#dia-2$/);
    const pdf = await expert.pdf({ preferCSSPageSize: true, printBackground: true });
    assert.equal(pdfPages(pdf), slides, 'one printed page per slide');
  });

  step('the handout is public and prints on one or two pages', async () => {
    const stranger = await newPage(await newContext(browser));
    await visit(stranger, `/tietopankki/moniste/${KIT}`);
    assert.ok((await text(stranger)).includes('CC BY 4.0'));
    await assertAccessible(stranger, 'the handout (fi)');
    const pdf = await stranger.pdf({ format: 'A4', printBackground: true });
    const pages = pdfPages(pdf);
    assert.ok(pages >= 1 && pages <= 2, `the handout printed on ${pages} pages`);
    await stranger.context().close();
  });

  step('the expert plans a training for today and shows the code', async () => {
    await visit(expert, '/asiantuntija');
    await Promise.all([
      expert.waitForURL(/\/asiantuntija\/koulutukset\/uusi$/),
      expert.getByRole('link', { name: t('fi', 'training.plan_button') }).first().click(),
    ]);
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
    await expert.fill('#held_on', today);
    await expert.fill('#starts', '08:00');
    await expert.fill('#ends', '23:30');
    await expert.check('#theme-client-centred');
    await expert.fill('#unit', 'Aikuissosiaalityö');
    await expert.fill('#place', 'Selainhuone');
    await press(expert, expert.getByRole('button', { name: t('fi', 'training.plan_submit') }));
    assert.match(new URL(expert.url()).pathname, /^\/koulutukset\/\d+$/);
    trainingPath = new URL(expert.url()).pathname;
    assert.ok((await text(expert, '[role="alert"]')).includes(t('fi', 'notice.training_planned')));
    code = (await expert.textContent('strong.code')).trim();
    assert.match(code, /^[A-Z2-9]{6}$/);
    assert.equal(await expert.locator('.qr-box svg[role="img"]').count(), 1, 'the QR code is drawn');
    await assertAccessible(expert, 'a planned training (fi)');
    await visit(expert, `${trainingPath}/naytto`);
    assert.ok((await text(expert)).includes(code));
    await assertAccessible(expert, 'the code shown large (fi)');
  });

  step('a participant signs in on a phone and gives feedback', async () => {
    await visit(phone, '/osallistu');
    await assertAccessible(phone, 'typing the code (fi, 375 px)');
    await phone.fill('#koodi', code.toLowerCase());
    await Promise.all([phone.waitForURL(new RegExp(`/osallistu/${code}$`)), phone.getByRole('button', { name: t('fi', 'attendance.continue') }).click()]);
    await assertAccessible(phone, 'the sign-in form (fi, 375 px)');
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the page fits 375 px (scroll width ${width})`);
    // An empty name is named next to the field, and nothing is stored.
    await phone.$eval('main form', (f) => { f.noValidate = true; });
    await press(phone, phone.getByRole('button', { name: t('fi', 'attendance.submit') }));
    assert.ok((await text(phone, '#name-error')).includes(t('fi', 'attendance.name_missing')));
    await assertAccessible(phone, 'the sign-in form with errors (fi, 375 px)');
    await phone.fill('#name', name);
    await phone.fill('#unit', 'Kotihoito');
    await phone.selectOption('#profession', 'practical-nurse');
    await press(phone, phone.getByRole('button', { name: t('fi', 'attendance.submit') }));
    assert.match(new URL(phone.url()).pathname, /^\/osallistu\/palaute\//);
    assert.ok((await text(phone, '[role="alert"]')).includes(t('fi', 'notice.signed_in')));
    await assertAccessible(phone, 'the feedback form (fi, 375 px)');
    await phone.locator('fieldset.likert').first().locator('input[value="5"]').check();
    await press(phone, phone.getByRole('button', { name: t('fi', 'survey.submit') }));
    assert.ok((await text(phone, '[role="alert"]')).includes(t('fi', 'notice.feedback_saved')));
  });

  step('signing in again is told and counts once', async () => {
    await visit(phone, `/osallistu/${code}`);
    assert.ok((await text(phone)).includes(t('fi', 'attendance.already_here')));
    await phone.fill('#name', name.toUpperCase());
    await phone.fill('#unit', 'kotihoito');
    await phone.selectOption('#profession', 'practical-nurse');
    await press(phone, phone.getByRole('button', { name: t('fi', 'attendance.submit') }));
    assert.ok((await text(phone)).includes(t('fi', 'attendance.duplicate')));
    await visit(expert, trainingPath);
    const list = await text(expert, 'section[aria-labelledby="osallistujat"]');
    assert.ok(list.includes(t('fi', 'training.attendees_count.one')), list);
    assert.equal(await expert.locator('section[aria-labelledby="osallistujat"] tbody tr').count(), 1);
  });

  step('the expert closes the code; the coordinator sees the training and the people reached', async () => {
    await visit(expert, trainingPath);
    await press(expert, expert.getByRole('button', { name: t('fi', 'training.close_code') }));
    assert.ok((await text(expert, '[role="alert"]')).includes(t('fi', 'notice.code_closed')));
    const coordinator = await newPage(await newContext(browser));
    await signIn(coordinator, ACCOUNTS.coordinator);
    await switchLanguage(coordinator, 'fi');
    await visit(coordinator, '/verkosto');
    const calendar = await text(coordinator, 'section[aria-labelledby="upcoming-h"]');
    assert.ok(calendar.includes('Selainhuone'), calendar);
    const reach = await text(coordinator, 'section[aria-labelledby="reach-h"]');
    assert.ok(reach.includes(t('fi', 'reach.people')), reach);
    const feed = await coordinator.getAttribute('section[aria-labelledby="upcoming-h"] a[href*="/kalenteri/"]', 'href');
    await visit(coordinator, '/verkosto/tavoittavuus');
    assert.ok((await text(coordinator)).includes('Lähihoitaja'));
    await assertAccessible(coordinator, 'reach by organisation and profession (fi)');
    const res = await coordinator.request.get(feed);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'], /^text\/calendar/);
    assert.ok((await res.text()).includes('LOCATION:Selainhuone'));
    await coordinator.context().close();
  });
});
