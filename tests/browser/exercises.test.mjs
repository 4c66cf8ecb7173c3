// The writing exercise as a trainee does it, by keyboard, in a real browser: write a draft,
// run the checker and read its hints, submit, assess oneself, then review a peer's entry
// (the demo world gives the demo trainee one). The trainer finds the entry on the desk. Axe
// checks every state, in Finnish and in Swedish.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNTS, launch, newContext, newPage, signIn, switchLanguage, visit, axe, formatViolations,
  assertNoProblems,
} from './lib/kirjaamo.mjs';
import { focused } from './lib/keyboard.mjs';
import { demoCohort } from './lib/pages.mjs';
import { courseExercises } from './lib/course.mjs';
import { t } from './lib/locale.mjs';

const COURSE = 'kirjaamisvalmennus';
/// The demo trainee has not started this exercise (the demo seeds the first one).
const LESSON = 'harjoitus-verkostopalaveri';

async function assertAccessible(page, where) {
  const r = await axe(page);
  assert.ok(r.violations.length === 0, formatViolations(where, r.violations));
  assertNoProblems(page, where);
}

/// Moves the focus to `selector` with Tab (never by clicking), then presses `key` and waits
/// for the new page to load.
async function tabAndPress(page, selector, what, key = 'Enter', limit = 250) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const here = await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector);
    if (here) {
      const f = await focused(page);
      assert.ok(f.focusVisible && f.outline, `${what}: the focus must show`);
      // The page that answers the form (after a redirect, or the form again with errors).
      await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
      return;
    }
  }
  throw new Error(`Tab never reached ${what} (${selector})`);
}

const main = async (page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

describe('a writing exercise, by keyboard', () => {
  let browser;
  let context;
  let page;
  let cohort;
  const exercise = courseExercises(COURSE)[LESSON];
  before(async () => {
    assert.ok(exercise, `${LESSON} has an exercise in courses/${COURSE}`);
    browser = await launch();
    context = await newContext(browser);
    page = await newPage(context);
    await signIn(page, ACCOUNTS.trainee);
    // Earlier files may have left the demo trainee's language at Swedish.
    await switchLanguage(page, 'fi');
    cohort = await demoCohort(page);
  });
  after(async () => { await browser?.close(); });

  it('writes a draft and reads the checker hints', async () => {
    await visit(page, `/ryhmat/${cohort}/${LESSON}`);
    await assertAccessible(page, 'an exercise lesson, the writing form (fi)');
    await page.focus('#ex-body');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Äiti on hankala ja motivoitumaton. PTA tehty. On sovittu uusi palaveri.');
    await page.focus('#ex-body');
    await tabAndPress(page, 'form.exercise-form button[value="check"]', 'the Check button');
    assert.match(page.url(), /\?vinkit=1#harjoitus$/);
    const hints = await page.locator('section#vinkit').innerText();
    for (const rule of ['label', 'abbreviation', 'agentless', 'client_view']) {
      assert.ok(hints.includes(t('fi', `ex.hint_${rule}`)), `the ${rule} hint: ${hints}`);
    }
    assert.ok(hints.includes('hankala') && hints.includes('PTA'), hints);
    await assertAccessible(page, 'an exercise lesson with the checker hints (fi)');
  });

  it('an identity code is refused, the text stays in the form', async () => {
    await page.fill('#ex-body', 'Minna (131052-308T) kertoi aamujen olevan vaikeita.');
    await page.focus('#ex-body');
    await tabAndPress(page, 'form.exercise-form button[value="submit"]', 'the Submit button');
    assert.ok((await main(page)).includes(t('fi', 'guard.identity_code')));
    assert.equal(await page.inputValue('#ex-body'), 'Minna (131052-308T) kertoi aamujen olevan vaikeita.');
    assert.equal(await page.getAttribute('#ex-body', 'aria-invalid'), 'true');
    await assertAccessible(page, 'an exercise refused by the privacy guard (fi)');
  });

  it('submits the entry and sees the model entry', async () => {
    await page.fill('#ex-body', exercise.model);
    await page.focus('#ex-body');
    await tabAndPress(page, 'form.exercise-form button[value="submit"]', 'the Submit button');
    const text = await main(page);
    assert.ok(text.includes(t('fi', 'notice.ex_submitted')), 'the notice');
    assert.ok(text.includes(t('fi', 'ex.model')), 'the model entry shows after submitting');
    await assertAccessible(page, 'an exercise lesson after submitting (fi)');
  });

  it('assesses the entry with the arrow keys', async () => {
    for (let i = 0; i < exercise.levels.length; i++) {
      // Arrow keys move and choose within a radio group.
      await page.focus(`#self-${i}-0`);
      await page.keyboard.press('Space');
      for (let l = 1; l < exercise.levels[i]; l++) await page.keyboard.press('ArrowRight');
      assert.equal(await page.isChecked(`#self-${i}-${exercise.levels[i] - 1}`), true);
    }
    await page.focus('#self-comment');
    await page.keyboard.type('Kirjaisin sovitut asiat vielä selkeämmin luettelona.');
    await tabAndPress(page, '#itsearvio button[type="submit"]', 'the self-assessment button');
    assert.ok((await main(page)).includes(t('fi', 'notice.ex_self_saved')));
  });

  it("reviews a peer's entry by keyboard", async () => {
    await visit(page, '/harjoitukset');
    await assertAccessible(page, 'my exercises (fi)');
    const link = page.locator('main table a[href^="/harjoitukset/arvioi/"]').first();
    assert.ok(await link.count(), 'the demo trainee has an entry to review');
    await link.focus();
    await Promise.all([page.waitForURL(/\/harjoitukset\/arvioi\/\d+$/), page.keyboard.press('Enter')]);
    await assertAccessible(page, 'a peer review page (fi)');
    const criteria = await page.locator('main form fieldset.rubric-criterion').count();
    assert.ok(criteria >= 3);
    for (let i = 0; i < criteria; i++) {
      await page.focus(`#r-${i}-0`);
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowRight');
    }
    await page.focus('#comment');
    await page.keyboard.type('Kertun oma näkemys erottuu hyvin. Kirjoittaisin vielä, kuka hakee ateriapalvelua.');
    await tabAndPress(page, 'main form button[type="submit"]', 'the Send review button');
    assert.equal(new URL(page.url()).pathname, '/harjoitukset');
    assert.ok((await main(page)).includes(t('fi', 'notice.ex_review_sent')));
  });

  it('the trainer finds the entry on the desk', async () => {
    const trainerContext = await newContext(browser);
    const trainer = await newPage(trainerContext);
    try {
      await signIn(trainer, ACCOUNTS.trainer);
      await switchLanguage(trainer, 'fi');
      await visit(trainer, '/keskustelut/valmentaja');
      const row = trainer.locator('section#harjoitukset tbody tr', { hasText: 'verkostopalaverin' });
      assert.ok(await row.count(), 'the new entry waits for the trainer');
      await Promise.all([trainer.waitForURL(/\/harjoitukset\/vastaus\/\d+$/), row.first().locator('a').click()]);
      await assertAccessible(trainer, "a trainee's entry for the trainer (fi)");
    } finally {
      await trainerContext.close();
    }
  });

  it('the exercise pages in Swedish', async () => {
    await switchLanguage(page, 'sv');
    await visit(page, `/ryhmat/${cohort}/${LESSON}`);
    const text = await main(page);
    for (const key of ['ex.heading', 'ex.self_heading', 'ex.feedback_heading']) {
      assert.ok(text.includes(t('sv', key)), `${key} in Swedish`);
    }
    await assertAccessible(page, 'an exercise lesson (sv)');
    await visit(page, '/harjoitukset');
    assert.ok((await main(page)).includes(t('sv', 'ex.my_entries')));
    await assertAccessible(page, 'my exercises (sv)');
    await switchLanguage(page, 'fi');
  });
});
