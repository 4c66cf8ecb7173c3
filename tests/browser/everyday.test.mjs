// The everyday path of issue 16, in a real browser: the notice after an action is on the next
// page in a role="alert" region (so a screen reader announces it), in Finnish and Swedish; a
// post's time is Helsinki time whatever the machine's zone, and its <time datetime> names the
// same instant; figures use a decimal comma; the overview has the accessible charts; a form
// too large comes back to its page with the limit named and the text put back.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNTS, launch, newContext, newPage, signIn, switchLanguage, visit, assertAccessible, helsinki,
} from './lib/kirjaamo.mjs';
import { demoCohort } from './lib/pages.mjs';
import { t } from './lib/locale.mjs';

const LESSON = 'asiakkaan-osallisuus';

async function press(page, locator) {
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), locator.click()]);
  await page.waitForLoadState('load');
}

describe('the everyday path', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  for (const lang of ['fi', 'sv']) {
    it(`a coordinator's save is announced on the next page (${lang})`, async () => {
      const context = await newContext(browser);
      const page = await newPage(context);
      await signIn(page, ACCOUNTS.coordinator);
      // The account keeps the language last chosen: choose it as a person would.
      await switchLanguage(page, lang);
      const cohort = await demoCohort(page);
      await visit(page, `/hallinta/ryhmat/${cohort}/muokkaa`);
      await press(page, page.locator('main form.form button[type="submit"]'));
      assert.equal(new URL(page.url()).pathname, `/hallinta/ryhmat/${cohort}`);
      const notice = page.locator('main [role="alert"].notice');
      assert.equal(await notice.count(), 1, 'one notice, in an alert region');
      assert.equal((await notice.innerText()).trim(), t(lang, 'notice.cohort_saved'));
      await assertAccessible(page, `the cohort page after saving (${lang})`);
      // Shown once: a reload does not repeat it.
      await page.reload({ waitUntil: 'load' });
      assert.equal(await page.locator('main [role="alert"].notice').count(), 0);
      await context.close();
    });
  }

  it("a post's time is Helsinki time with the offset, whatever the browser's zone", async () => {
    // The browser itself runs in another zone, so nothing here can come from the machine.
    const context = await newContext(browser, { timezoneId: 'America/New_York' });
    const page = await newPage(context);
    await signIn(page, ACCOUNTS.trainee);
    await switchLanguage(page, 'fi');
    const cohort = await demoCohort(page);
    await visit(page, `/ryhmat/${cohort}/${LESSON}/keskustelu`);
    const title = `Aikaleima ${Date.now()}`;
    await page.fill('#title', title);
    await page.fill('#body', 'Näkyykö kellonaika Suomen aikana?');
    await press(page, page.locator('section.new-thread button[value="send"]'));
    const time = page.locator('main article time[datetime]').first();
    const datetime = await time.getAttribute('datetime');
    assert.match(datetime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[23]:00$/, datetime);
    const instant = new Date(datetime);
    assert.ok(Math.abs(Date.now() - instant.getTime()) < 10 * 60 * 1000, `${datetime} is now, not hours off`);
    assert.equal((await time.innerText()).trim(), helsinki(instant, 'fi'));
    await context.close();
  });

  for (const lang of ['fi', 'sv']) {
    it(`figures use a decimal comma and the overview has accessible charts (${lang})`, async () => {
      const context = await newContext(browser);
      const page = await newPage(context);
      await signIn(page, ACCOUNTS.coordinator);
      await switchLanguage(page, lang);
      await visit(page, '/verkosto');
      const main = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      assert.match(main, /\d+,\d\s?%/, 'a percentage with a decimal comma');
      assert.doesNotMatch(main, /\d\.\d\s?%/, 'never a decimal point');
      await visit(page, '/hallinta/yleiskuva');
      for (const id of ['participants', 'reach']) {
        const svg = page.locator(`main svg[role="img"][aria-labelledby="${id}-title ${id}-desc"]`);
        assert.equal(await svg.count(), 1, `the ${id} chart`);
        assert.ok((await page.locator(`#${id}-title`).textContent()).length > 0);
      }
      assert.ok(await page.locator('main table caption#reach-caption').count());
      const overview = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      assert.doesNotMatch(overview, /\d\.\d\s?%/);
      await assertAccessible(page, `the overview (${lang})`);
      await context.close();
    });
  }

  it('a form too large comes back with the limit named and the text put back', async () => {
    const context = await newContext(browser);
    const page = await newPage(context);
    await visit(page, '/palaute');
    const typed = 'Liian pitkä palaute. '.repeat(60_000);
    await page.$eval('#message', (el, v) => { el.removeAttribute('maxlength'); el.value = v; }, typed);
    await press(page, page.locator('form[action="/palaute"] button[type="submit"]'));
    assert.equal(new URL(page.url()).pathname, '/palaute');
    const notice = page.locator('main [role="alert"].notice');
    assert.equal((await notice.innerText()).trim(), t('fi', 'notice.form_too_large', { n: 1 }));
    assert.equal(await page.$eval('#message', (el) => el.value.length), typed.length, 'the text is back');
    await assertAccessible(page, 'the feedback form after a refused send');
    await context.close();
  });
});
