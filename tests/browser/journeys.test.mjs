// The user journeys of issue 11, as people click through them in a real browser. The server
// sends its e-mails over SMTP to tests/smtp_server.py; every link a person follows here is
// taken from an e-mail that really arrived (lib/mail.mjs).
//
//   1. apply → confirm the e-mail → the manager approves from the e-mailed link → the
//      coordinator accepts → the trainee sets a password from the e-mailed link;
//   2. the trainee reads the lessons and passes the self-checks (the right answers come from
//      the course sources), writes the writing exercises (submits, assesses themselves and
//      reviews the peers' entries given to them), asks a question; the trainer finds it in the unanswered queue and
//      answers; the trainee gets the e-mail and marks the best answer;
//   3. the trainee completes, opens and verifies the certificate, appears in the region's
//      registry, logs a training held; the coordinator sees the reach change;
//   4. the lapse check refuses a day that has not come (but for a dry run); four years on
//      (the expert's dates moved back) it enrols the expert into the refresher; the invitation
//      arrives and leads to the refresher cohort, which the coordinator sees on the refresher
//      page and releases the expert from with a reason, and the expert is told;
//   5. the same key pages in Swedish and in English.
//
// The steps depend on each other, so they run in order and stop at the first failure.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNTS, BASE_URL, launch, newContext, newPage, signIn, switchLanguage, htmlLang, visit,
  axe, formatViolations, assertNoProblems,
} from './lib/kirjaamo.mjs';
import { waitForMail, linksIn, MAILDIR } from './lib/mail.mjs';
import { courseChecks, courseExercises } from './lib/course.mjs';
import { t } from './lib/locale.mjs';
import { execFileSync } from 'node:child_process';

const COHORT_NAME = 'Kevät 2027, Socca (demo)';
const COURSE = 'kirjaamisvalmennus';
const ORGANISATION = 'Helsingin kaupungin sosiaali-, terveys- ja pelastustoimiala';
const APPLICANT = { name: 'Tiina Testaaja', email: 'tiina.testaaja@journey.kirjaamo.test' };
const MANAGER = { name: 'Erkki Esihenkilö', email: 'erkki.esihenkilo@journey.kirjaamo.test' };
const NEW_PASSWORD = 'Selain-testin salasana 2027';
const QUESTION = {
  title: 'Kirjaanko puhelun, jossa asiakas perui käynnin?',
  body: 'Asiakas soitti ja perui kotikäynnin. Riittääkö lyhyt merkintä, vai pitääkö syy kirjata?',
};
const ANSWER = 'Kirjaa peruminen ja syy, jos asiakas sen kertoi, sekä se, mitä sovittiin seuraavaksi.';
const PARTICIPANTS = 37;

/// Fails when the page has axe violations (WCAG 2.1 A/AA) or recorded problems.
async function assertAccessible(page, where) {
  const r = await axe(page);
  assert.ok(r.violations.length === 0, formatViolations(where, r.violations));
  assertNoProblems(page, where);
}

/// Clicks a submit button and waits for the page that answers the POST.
async function press(page, locator) {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    locator.click(),
  ]);
  await page.waitForLoadState('load');
}

const text = async (page, selector = 'main') => (await page.locator(selector).innerText()).replace(/\s+/g, ' ');

/// The one link in the message that leads to the server, as a path.
function onlyLink(message, prefix) {
  const links = linksIn(message, BASE_URL).filter((l) => new URL(l).pathname.startsWith(prefix));
  assert.equal(links.length, 1, `one ${prefix} link expected in "${message.subject}":\n${message.text}`);
  return links[0];
}

/// The figures of /verkosto: members, reach participants and the Helsinki county row.
async function networkFigures(page) {
  await visit(page, '/verkosto');
  const figures = await page.$$eval('dl.figures > div', (divs) =>
    Object.fromEntries(divs.map((d) => [d.querySelector('dt').textContent.trim(), d.querySelector('dd').textContent.trim().replace(/[\s\u00a0]/g, '')])));
  // Figures as the page writes them ("1 234", "9,8 %"), read back as numbers' text.
  const helsinki = await page.$$eval('#reach-h ~ .chart-with-table tbody tr', (rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent.trim().replace(/[\s\u00a0]/g, ''))).find((c) => /^(Helsingin|Helsingfors|Helsinki)/.test(c[0])));
  const registry = await text(page, 'section[aria-labelledby="registry-h"]');
  return { figures, helsinki, registry };
}

/// Each step needs the one before it: after a failure the rest are skipped, so the first
/// failure is the one reported.
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

describe('journeys', { concurrency: false }, () => {
  let browser;
  let applicant; // the applicant, later the trainee
  let manager;
  let coordinator;
  let trainer;
  let cohortId;
  let certificateUrl;
  let networkBefore;
  const checks = courseChecks(COURSE);
  const exercises = courseExercises(COURSE);

  before(async () => {
    assert.ok(MAILDIR, 'the journeys need the SMTP server of tests/app/browser.rs (KIRJAAMO_BROWSER_MAILDIR)');
    browser = await launch();
    const open = async () => newPage(await newContext(browser));
    [applicant, manager, coordinator, trainer] = await Promise.all([open(), open(), open(), open()]);
    // Other test files may have left the demo people's language setting on Swedish.
    for (const [page, who] of [[coordinator, 'coordinator'], [trainer, 'trainer']]) {
      await signIn(page, ACCOUNTS[who]);
      await switchLanguage(page, 'fi');
    }
  });
  after(async () => { await browser?.close(); });

  describe('1. from application to a trainee with a password', () => {
    step('the applicant finds the open cohort and applies', async () => {
      await visit(applicant, '/');
      await applicant.click(`nav.site-nav a[href="/haku"]`);
      await applicant.waitForURL(/\/haku$/);
      const card = applicant.locator('li.card', { hasText: COHORT_NAME });
      await Promise.all([applicant.waitForURL(/\/haku\/\d+$/), card.locator('a.button').click()]);
      cohortId = Number(new URL(applicant.url()).pathname.split('/').pop());
      await applicant.fill('#name', APPLICANT.name);
      await applicant.fill('#email', APPLICANT.email);
      await applicant.selectOption('#organisation_id', { label: ORGANISATION });
      await applicant.fill('#manager_name', MANAGER.name);
      await applicant.fill('#manager_email', MANAGER.email);
      await applicant.fill('#motivation', 'Haluan kehittää tiimimme kirjaamista.');
      await assertAccessible(applicant, 'the application form (fi)');
      await press(applicant, applicant.locator('form[action^="/haku/"] button[type="submit"]'));
      assert.equal(await applicant.textContent('h1'), t('fi', 'apply.sent_title'));
      assert.match(await text(applicant), new RegExp(APPLICANT.email.replace(/\./g, '\\.')));
    });

    step('the applicant confirms the address from the e-mail', async () => {
      const mail = await waitForMail(APPLICANT.email, /^Vahvista hakemuksesi/);
      assert.match(mail.text, new RegExp(`Hei ${APPLICANT.name}`));
      const link = onlyLink(mail, '/vahvista/');
      await visit(applicant, link);
      await press(applicant, applicant.getByRole('button', { name: t('fi', 'confirm.submit') }));
      const status = await text(applicant, '[role="status"]');
      assert.ok(status.includes(t('fi', 'confirm.done', { name: APPLICANT.name })), status);
      // The link only shows a page; using it again changes nothing and says so.
      await visit(applicant, link);
      assert.equal(await applicant.getByRole('button', { name: t('fi', 'confirm.submit') }).count(), 0);
    });

    step('the manager approves from the e-mailed link, without an account', async () => {
      const mail = await waitForMail(MANAGER.email, /^Hyväksytkö työajan valmennukseen/);
      assert.ok(mail.subject.includes(APPLICANT.name), mail.subject);
      assert.ok(mail.html.includes(APPLICANT.name), 'the HTML part names the applicant too');
      await visit(manager, onlyLink(mail, '/esihenkilo/'));
      assert.ok((await text(manager)).includes(APPLICANT.email));
      await assertAccessible(manager, "the manager's page (fi)");
      await press(manager, manager.getByRole('button', { name: t('fi', 'manager.approve') }));
      const status = await text(manager, '[role="status"]');
      assert.ok(status.includes(t('fi', 'manager.approved.other', { name: APPLICANT.name, n: 20 })), status);
    });

    step('the coordinator accepts the application in the queue', async () => {
      await visit(coordinator, '/');
      await coordinator.click('nav.site-nav a[href="/hallinta/ryhmat"]');
      await coordinator.click(`main a:text-is("${COHORT_NAME}")`);
      await coordinator.click(`main a[href="/hallinta/ryhmat/${cohortId}/hakemukset"]`);
      const row = coordinator.locator('tbody tr', { hasText: APPLICANT.email });
      assert.equal(await row.count(), 1);
      await assertAccessible(coordinator, 'the application queue (fi)');
      await press(coordinator, row.getByRole('button', { name: new RegExp(`^${t('fi', 'queue.accept')}\\s*:\\s*${APPLICANT.name}$`) }));
      const after = coordinator.locator('tbody tr', { hasText: APPLICANT.email });
      assert.ok((await after.innerText()).includes(t('fi', 'decision.accepted')), await after.innerText());
    });

    step('the trainee sets a password from the welcome e-mail and is signed in', async () => {
      const mail = await waitForMail(APPLICANT.email, /^Tervetuloa valmennukseen/);
      await visit(applicant, onlyLink(mail, '/salasana/uusi/'));
      await applicant.fill('#password', NEW_PASSWORD);
      await applicant.fill('#password_again', NEW_PASSWORD);
      await press(applicant, applicant.getByRole('button', { name: t('fi', 'reset.submit') }));
      assert.equal(new URL(applicant.url()).pathname, '/');
      assert.equal(await applicant.locator('form[action="/logout"]').count(), 1, 'signed in after setting the password');
      assert.ok((await text(applicant)).includes(COHORT_NAME), 'the home page lists the cohort');
      // The password works for signing in later.
      await press(applicant, applicant.locator('form[action="/logout"] button'));
      await signIn(applicant, APPLICANT.email, NEW_PASSWORD);
    });
  });

  /// On a lesson page: answers every self-check right (or marks the lesson read); returns
  /// whether the answer completed the course (the server then shows the cohort page).
  async function finishLesson(page, slug) {
    const expected = checks[slug];
    assert.ok(expected, `lesson ${slug} is not in courses/${COURSE}`);
    if (exercises[slug]) return finishExercise(page, slug, exercises[slug]);
    if (expected.length === 0) {
      await press(page, page.getByRole('button', { name: t('fi', 'learning.mark_read') }));
    } else {
      const fieldsets = page.locator('section#tarkistus fieldset.check');
      assert.equal(await fieldsets.count(), expected.length, `${slug}: one question per check block`);
      for (let i = 0; i < expected.length; i++) {
        const fs = fieldsets.nth(i);
        assert.ok((await fs.locator('legend').innerText()).includes(expected[i].question), `${slug}: question ${i + 1}`);
        for (const ci of expected[i].correct) await fs.locator(`#c${i}-${ci}`).check();
      }
      await press(page, page.getByRole('button', { name: t('fi', 'learning.check_answers') }));
    }
    const path = new URL(page.url()).pathname;
    if (path === `/ryhmat/${cohortId}/`) return true;
    // Post/Redirect/Get: after answering the browser is back on the lesson's own URL.
    assert.equal(path, `/ryhmat/${cohortId}/${slug}`);
    assert.ok((await text(page)).includes(expected.length ? t('fi', 'learning.all_correct') : t('fi', 'learning.lesson_done')),
      `${slug}: the lesson must be done`);
    return false;
  }

  /// On an exercise lesson: submits the model entry, assesses it, and reviews every peer's
  /// entry given to the trainee; returns whether that completed the course.
  async function finishExercise(page, slug, exercise) {
    const lessonPath = `/ryhmat/${cohortId}/${slug}`;
    const completed = () => new URL(page.url()).pathname === `/ryhmat/${cohortId}/`;
    await page.fill('#ex-body', exercise.model);
    await press(page, page.locator('form.exercise-form button[value="submit"]'));
    assert.ok((await text(page)).includes(t('fi', 'notice.ex_submitted')), `${slug}: submitted`);
    for (let i = 0; i < exercise.levels.length; i++) {
      await page.locator(`#self-${i}-${exercise.levels[i] - 1}`).check();
    }
    await press(page, page.locator('#itsearvio button[type="submit"]'));
    if (completed()) return true;
    if (exercise.required.includes('peer')) {
      for (let round = 0; round < 8; round++) {
        await visit(page, '/harjoitukset');
        const open = page.locator('main table a[href^="/harjoitukset/arvioi/"]');
        if (!(await open.count())) {
          // Owing reviews with none given yet: ask for one, as the lesson page offers.
          await visit(page, lessonPath);
          const ask = page.locator('section#vertaisarviot button');
          if (!(await ask.count())) break;
          await press(page, ask);
          continue;
        }
        await visit(page, await open.first().getAttribute('href'));
        for (let i = 0; i < exercise.levels.length; i++) {
          await page.locator(`#r-${i}-${exercise.levels[i] - 1}`).check();
        }
        await page.fill('#comment', 'Asiakkaan oma näkemys erottuu hyvin. Sovitut asiat voisi vielä koota loppuun.');
        await press(page, page.locator('main form button[type="submit"]'));
        if (completed()) return true;
      }
      await visit(page, lessonPath);
    }
    assert.equal(new URL(page.url()).pathname, lessonPath);
    assert.ok((await text(page, 'section.exercise-status')).includes(t('fi', 'learning.lesson_done')),
      `${slug}: the exercise lesson must be done`);
    return false;
  }

  describe('2. studying, a question and its answer', () => {
    step('the trainee reads the lessons in order and passes the self-checks (all but the last)', async () => {
      await visit(applicant, '/');
      await applicant.click(`main a:text-is("${COHORT_NAME}")`);
      await applicant.getByRole('link', { name: t('fi', 'learning.continue') }).click();
      await applicant.waitForLoadState('load');
      const slugs = Object.keys(checks);
      let first = true;
      for (const slug of slugs.slice(0, -1)) {
        assert.equal(new URL(applicant.url()).pathname, `/ryhmat/${cohortId}/${slug}`, 'the next lesson in course order');
        if (first && checks[slug].length) {
          // A wrong answer first: the server says so and the lesson is not done.
          const wrong = checks[slug][0].choices.findIndex((_, i) => !checks[slug][0].correct.includes(i));
          await applicant.locator(`#c0-${wrong}`).check();
          await press(applicant, applicant.getByRole('button', { name: t('fi', 'learning.check_answers') }));
          assert.ok((await text(applicant, '[role="status"]')).includes(t('fi', 'learning.not_all_correct')));
          assert.ok((await text(applicant, '#check-0-feedback')).includes(t('fi', 'learning.wrong')));
          await assertAccessible(applicant, 'a lesson with a wrong answer (fi)');
          await applicant.locator(`#c0-${wrong}`).uncheck().catch(() => {});
          first = false;
        }
        assert.equal(await finishLesson(applicant, slug), false, 'the course must not complete before the last lesson');
        await Promise.all([applicant.waitForURL((u) => u.pathname !== `/ryhmat/${cohortId}/${slug}`), applicant.click('nav.prev-next a[rel="next"]')]);
      }
      assert.equal(new URL(applicant.url()).pathname, `/ryhmat/${cohortId}/${slugs.at(-1)}`);
      await visit(applicant, `/ryhmat/${cohortId}/`);
      assert.ok((await text(applicant)).includes(`${slugs.length - 1}/${slugs.length}`) ||
        (await applicant.getAttribute('#course-progress', 'value')) === String(slugs.length - 1));
    });

    step('the trainee asks a question in a lesson\'s discussion', async () => {
      const slug = Object.keys(checks)[1];
      await visit(applicant, `/ryhmat/${cohortId}/${slug}`);
      await applicant.click(`a[href="/ryhmat/${cohortId}/${slug}/keskustelu"]`);
      await applicant.waitForURL(/\/keskustelu$/);
      await applicant.check('#kind-question');
      await applicant.fill('#title', QUESTION.title);
      await applicant.fill('#body', QUESTION.body);
      await press(applicant, applicant.locator('form.form button[value="send"]'));
      assert.match(new URL(applicant.url()).pathname, /^\/keskustelut\/ketju\/\d+$/);
      assert.equal(await applicant.textContent('h1'), QUESTION.title);
      assert.ok((await text(applicant, '.thread-status')).includes(t('fi', 'disc.unanswered')));
    });

    step('the trainer finds it in the unanswered queue and answers', async () => {
      await visit(trainer, '/');
      await trainer.click(`nav.site-nav a[href="/keskustelut"]`);
      await trainer.click('main a[href="/keskustelut/valmentaja"]');
      await trainer.waitForURL(/\/keskustelut\/valmentaja$/);
      const row = trainer.locator('tbody tr', { hasText: QUESTION.title });
      assert.equal(await row.count(), 1, 'the question is in the queue');
      assert.ok((await row.innerText()).includes(APPLICANT.name));
      await assertAccessible(trainer, "the trainers' desk (fi)");
      await row.locator('a').click();
      await trainer.waitForURL(/\/keskustelut\/ketju\/\d+$/);
      assert.ok((await text(trainer, '.opening')).includes(QUESTION.body));
      await trainer.fill('section#vastaa #body', ANSWER);
      await press(trainer, trainer.locator('section#vastaa button[value="send"]'));
      assert.ok((await text(trainer, '.thread-status')).includes(t('fi', 'disc.answered')));
      assert.ok((await text(trainer, 'ol.posts')).includes(ANSWER));
      await visit(trainer, '/keskustelut/valmentaja');
      assert.equal(await trainer.locator('tbody tr', { hasText: QUESTION.title }).count(), 0, 'answered questions leave the queue');
    });

    step('the trainee gets the answer by e-mail and marks it the best answer', async () => {
      const mail = await waitForMail(APPLICANT.email, /^Uusi viesti:/);
      assert.ok(mail.subject.includes(QUESTION.title), mail.subject);
      assert.ok(mail.text.includes('Kirjaa peruminen ja syy'), mail.text);
      const link = linksIn(mail, BASE_URL).find((l) => new URL(l).pathname.startsWith('/keskustelut/ketju/'));
      assert.ok(link, mail.text);
      await visit(applicant, '/'); // the link may differ from the open thread only by its #anchor
      await visit(applicant, link);
      const answer = applicant.locator('article.post-trainer', { hasText: ANSWER });
      assert.equal(await answer.count(), 1);
      await press(applicant, answer.locator('form[action$="/paras"] button'));
      const best = applicant.locator('article.post-best', { hasText: ANSWER });
      assert.equal(await best.count(), 1, 'the answer is marked best');
      assert.ok((await best.innerText()).includes(t('fi', 'disc.best_badge')));
      await assertAccessible(applicant, 'the thread page (fi)');
    });
  });

  describe('3. completion, certificate and the network', () => {
    step('before: the coordinator notes the network figures', async () => {
      networkBefore = await networkFigures(coordinator);
      assert.ok(!networkBefore.registry.includes(APPLICANT.name), 'not in the registry yet');
      assert.ok(networkBefore.helsinki, 'the reach table has a row for Helsinki');
    });

    step('the trainee passes the last lesson and the course completes', async () => {
      const last = Object.keys(checks).at(-1);
      await visit(applicant, `/ryhmat/${cohortId}/${last}`);
      assert.equal(await finishLesson(applicant, last), true, 'the last lesson completes the course');
      assert.ok((await text(applicant, '.completion')).includes(t('fi', 'completion.congratulations')));
      await assertAccessible(applicant, 'the cohort page after completion (fi)');
    });

    step('the trainee opens the certificate, and anyone can verify it by its code', async () => {
      await Promise.all([applicant.waitForURL(/\/todistus\//), applicant.getByRole('link', { name: t('fi', 'completion.certificate') }).click()]);
      certificateUrl = applicant.url();
      const cert = await text(applicant, 'article.certificate');
      assert.ok(cert.includes(APPLICANT.name) && cert.includes('Kirjaamisvalmennus'), cert);
      const code = (await applicant.textContent('article.certificate code')).trim();
      assert.ok((await text(applicant, '[role="status"]')).includes(t('fi', 'certificate.genuine')));
      await assertAccessible(applicant, 'the certificate (fi)');

      const mail = await waitForMail(APPLICANT.email, /^Onnittelut!/);
      assert.ok(mail.text.includes(code), 'the e-mail gives the verification code');
      const link = onlyLink(mail, '/todistus/');
      assert.equal(new URL(link).pathname, new URL(certificateUrl).pathname);

      const stranger = await newPage(await newContext(browser));
      await visit(stranger, new URL(link).pathname);
      assert.ok((await text(stranger, 'article.certificate')).includes(APPLICANT.name));
      await visit(stranger, new URL(link).pathname.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), { status: 404 });
      await stranger.context().close();
    });

    step('the new expert appears in the region\'s registry', async () => {
      const now = await networkFigures(coordinator);
      assert.ok(now.registry.includes(APPLICANT.name) && now.registry.includes(APPLICANT.email), now.registry);
      const members = Object.values(now.figures)[0];
      assert.equal(Number(members), Number(Object.values(networkBefore.figures)[0]) + 1, 'one member more');
    });

    step('the expert logs a training held and the coordinator sees the reach change', async () => {
      await visit(applicant, '/');
      await applicant.click('nav.site-nav a[href="/asiantuntija"]');
      await applicant.waitForURL(/\/asiantuntija$/);
      assert.ok((await text(applicant, 'section[aria-labelledby="certs-h"]')).includes('Kirjaamisvalmennus'));
      await assertAccessible(applicant, 'the expert page (fi)');
      // A training held without the app: the typed number is reported, not counted.
      await Promise.all([
        applicant.waitForURL(/\/asiantuntija\/koulutukset\/uusi\?tapa=kirjaa$/),
        applicant.getByRole('link', { name: t('fi', 'training.log_button') }).click(),
      ]);
      await assertAccessible(applicant, 'logging a training (fi)');
      const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
      const [y, m, d] = today.split('-').map(Number);
      await applicant.fill('#held_on', today);
      await applicant.fill('#participants', String(PARTICIPANTS));
      await applicant.selectOption('#organisation_id', { label: ORGANISATION });
      await applicant.check('#theme-archiving');
      await applicant.fill('#notes', 'Tiimin kirjaamisaamu');
      await press(applicant, applicant.getByRole('button', { name: t('fi', 'training.log_submit') }));
      assert.ok((await text(applicant, '[role="alert"]')).includes(t('fi', 'notice.training_logged')));
      const table = await text(applicant, 'section[aria-labelledby="koulutukset"] table');
      assert.ok(table.includes(`${d}.${m}.${y}`) && table.includes(String(PARTICIPANTS)), table);

      const after = await networkFigures(coordinator);
      const col = 3; // county, staff, people reached, reported participations, reach, active
      const n = (cell) => Number(cell.replace(/\D/g, ''));
      assert.equal(n(after.helsinki[col]), n(networkBefore.helsinki[col]) + PARTICIPANTS,
        `Helsinki's reported participations: ${networkBefore.helsinki} -> ${after.helsinki}`);
      assert.notDeepEqual(after.helsinki, networkBefore.helsinki);
    });
  });

  describe('4. years later the lapse check brings the expert back', () => {
    const REFRESHER_COHORT = 'Kertaava valmennus, jatkuva haku (demo)';
    const literal = (x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    let invitation;
    const cli = () => {
      const path = process.env.KIRJAAMO_BROWSER_CLI;
      assert.ok(path, 'journey 4 needs KIRJAAMO_BROWSER_CLI (set by tests/app/browser.rs)');
      return path;
    };
    const env = () => ({
      PATH: process.env.PATH,
      KIRJAAMO_DATA_DIR: process.env.KIRJAAMO_BROWSER_DATA_DIR,
      KIRJAAMO_COURSES_DIR: process.env.KIRJAAMO_BROWSER_COURSES,
      KIRJAAMO_BASE_URL: BASE_URL,
      KIRJAAMO_LOG: 'warn',
    });
    const run = (args) => execFileSync(cli(), ['network', 'check-lapsed', ...args], { env: env(), encoding: 'utf8' });

    step('a check on a day that has not come is refused unless it is a dry run', async () => {
      const d = new Date();
      d.setUTCFullYear(d.getUTCFullYear() + 4);
      const future = d.toISOString().slice(0, 10);
      assert.match(run(['--as-of', future, '--dry-run']), /dry run: nothing changed/);
      let refused;
      try {
        run(['--as-of', future]);
      } catch (e) {
        refused = e;
      }
      assert.ok(refused, 'a future --as-of without --dry-run must fail');
      assert.equal(refused.status, 2);
      assert.match(String(refused.stderr), /is in the future.*nothing was\s+changed/s);
    });

    step('four years on, the lapse check enrols the expert into the refresher', async () => {
      // Four years pass for this expert: their completion, membership and training move back.
      const db = `${process.env.KIRJAAMO_BROWSER_DATA_DIR}/kirjaamo.sqlite3`;
      const who = `(SELECT id FROM users WHERE email = '${APPLICANT.email}')`;
      execFileSync('sqlite3', [db, [
        `UPDATE completions SET completed_at = datetime(completed_at, '-4 years') WHERE user_id = ${who};`,
        `UPDATE memberships SET joined_at = datetime(joined_at, '-4 years'), refreshed_at = datetime(refreshed_at, '-4 years') WHERE user_id = ${who};`,
        `UPDATE trainings_held SET held_on = date(held_on, '-4 years') WHERE user_id = ${who};`,
      ].join(' ')]);
      const dry = run(['--dry-run']);
      assert.match(dry, new RegExp(`LAPSED   ${APPLICANT.name} <${literal(APPLICANT.email)}>.*would enrol in "${literal(REFRESHER_COHORT)}"`));
      const out = run([]);
      const line = out.split('\n').find((l) => l.includes(APPLICANT.email));
      assert.ok(line, `the check names the expert:\n${out}`);
      assert.match(line, /no training logged|more than 12 months before/, 'it says why');
      assert.match(line, new RegExp(`-> enrolled in "${literal(REFRESHER_COHORT)}"`));
      // Run again the same day: nothing new.
      const again = run([]).split('\n').find((l) => l.includes(APPLICANT.email));
      assert.match(again, /already enrolled in a refresher cohort/);
    });

    step('the invitation arrives with the reason and leads to the refresher cohort', async () => {
      invitation = await waitForMail(APPLICANT.email, /^Sinut on ilmoitettu kertaavaan valmennukseen/);
      assert.match(invitation.subject, new RegExp(literal(REFRESHER_COHORT)));
      assert.match(invitation.text, /osaamisesi on vanhentunut/);
      assert.match(invitation.text, /36 kuukautta/);
      const link = onlyLink(invitation, '/ryhmat/');
      await visit(applicant, link);
      const page = await text(applicant);
      assert.ok(page.includes('Kertaava kirjaamisvalmennus'), `the refresher course opens:\n${page.slice(0, 400)}`);
      await assertAccessible(applicant, 'the refresher cohort (fi)');
      await visit(applicant, '/asiantuntija');
      assert.ok((await text(applicant)).includes(t('fi', 'expert.in_refresher')), 'the expert page says so');
      assert.ok((await text(applicant)).includes(REFRESHER_COHORT));
    });

    step('the coordinator sees the expert in the refresher', async () => {
      await visit(coordinator, '/verkosto/kertaus');
      const enrolled = await text(coordinator, 'section[aria-labelledby="enrolled-h"]');
      assert.ok(enrolled.includes(APPLICANT.name), `in the refresher list:\n${enrolled}`);
      assert.ok(enrolled.includes(REFRESHER_COHORT));
      await assertAccessible(coordinator, 'the refresher page (fi)');
    });

    step('the coordinator releases the expert with a reason, and the expert is told', async () => {
      await visit(coordinator, '/verkosto/kertaus');
      const row = coordinator.locator('section[aria-labelledby="enrolled-h"] li', { hasText: APPLICANT.email });
      await row.locator('summary').click();
      await assertAccessible(coordinator, 'the release form (fi)');
      // Still lapsed: the day is asked for, and filled in a year ahead.
      assert.ok(await row.locator('input[name="until"]').inputValue(), 'a day is proposed');
      await row.locator('textarea[name="reason"]').fill('Kirjasi pitämänsä koulutuksen jälkikäteen.');
      await press(coordinator, row.getByRole('button', { name: new RegExp(t('fi', 'release.submit')) }));
      assert.ok((await text(coordinator, '[role="alert"]')).includes(t('fi', 'notice.refresher_released')));
      assert.ok(!(await text(coordinator, 'section[aria-labelledby="enrolled-h"]')).includes(APPLICANT.email));
      const told = await waitForMail(APPLICANT.email, /^Sinut on vapautettu kertaavasta valmennuksesta/);
      assert.match(told.text, /Kirjasi pitämänsä koulutuksen jälkikäteen\./);
      await visit(applicant, '/asiantuntija');
      assert.ok(!(await text(applicant)).includes(t('fi', 'expert.in_refresher')), 'no longer in the refresher');
    });
  });

  describe('5. the key pages in Swedish and in English', () => {
    for (const lang of ['sv', 'en']) {
      step(`${lang}: home, cohort, lesson, discussion, certificate, expert page, application form`, async () => {
        await switchLanguage(applicant, lang);
        const keyPages = [
          ['/', 'nav.home'],
          [`/ryhmat/${cohortId}/`, 'completion.congratulations'],
          [`/ryhmat/${cohortId}/${Object.keys(checks)[0]}`, 'learning.lesson_done'],
          [new URL(certificateUrl).pathname, 'certificate.genuine'],
          ['/asiantuntija', 'expert.title'],
          ['/keskustelut', 'nav.discussions'],
          ['/tili', 'nav.account'],
        ];
        for (const [path, key] of keyPages) {
          await visit(applicant, path);
          assert.equal(await htmlLang(applicant), lang, `${path}: <html lang>`);
          const body = await text(applicant, 'body');
          assert.ok(body.includes(t(lang, key)), `${path} in ${lang} must show ${JSON.stringify(t(lang, key))}`);
          assert.ok(!body.includes(t('fi', key)) || t('fi', key) === t(lang, key), `${path} in ${lang} still shows the Finnish text`);
          await assertAccessible(applicant, `${path} (${lang})`);
        }
        const anon = await newPage(await newContext(browser));
        await visit(anon, '/');
        await switchLanguage(anon, lang);
        await visit(anon, `/haku/${cohortId}`);
        assert.ok((await text(anon, 'main form')).includes(t(lang, 'apply.submit')));
        await assertAccessible(anon, `the application form (${lang})`);
        await anon.context().close();
      });
    }
    after(async () => { await switchLanguage(applicant, 'fi').catch(() => {}); });
  });
});
