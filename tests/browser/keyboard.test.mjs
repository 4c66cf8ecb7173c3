// Keyboard use: the skip link comes first, the login form is reached in order and works with
// Enter, and every element the Tab key reaches shows its focus.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNTS, DEMO_PASSWORD, LANGS, launch, newContext, newPage, signIn, switchLanguage,
  htmlLang, visit, assertNoProblems,
} from './lib/kirjaamo.mjs';
import { focused, tabThrough, assertFocusShown } from './lib/keyboard.mjs';
import { demoCohort } from './lib/pages.mjs';
import { t } from './lib/locale.mjs';

/// Presses Tab until `pred(focused)` holds; fails after `limit` presses.
async function tabTo(page, pred, what, limit = 200) {
  const seen = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    seen.push(f.name);
    if (pred(f)) return f;
  }
  throw new Error(`Tab never reached ${what}; it reached:\n  ${seen.join('\n  ')}`);
}

describe('keyboard', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  for (const lang of LANGS) {
    describe(lang, () => {
      it('from the top of /login: the skip link first, then e-mail, password, submit; focus is shown', async () => {
        const context = await newContext(browser);
        const page = await newPage(context);
        try {
          await visit(page, '/');
          await switchLanguage(page, lang);
          await visit(page, '/login');
          assert.equal(await htmlLang(page), lang);
          const seq = await tabThrough(page);
          const names = seq.map((f) => f.name);
          assert.ok(seq.length > 0 && seq[0].isSkipLink, `the first Tab must reach the skip link, got: ${names[0]}`);
          const email = seq.findIndex((f) => f.id === 'email');
          const password = seq.findIndex((f) => f.id === 'password');
          const submit = seq.findIndex((f) => f.isLoginSubmit);
          assert.ok(email > 0 && password > email && submit > password,
            `Tab must reach e-mail, password and submit in this order; the order was:\n  ${names.join('\n  ')}`);
          assertFocusShown(seq, `/login (${lang})`);
          assertNoProblems(page, `/login (${lang})`);
        } finally {
          await context.close();
        }
      });

      it('the skip link leads to the form, and Enter signs in', async () => {
        const context = await newContext(browser);
        const page = await newPage(context);
        try {
          await visit(page, '/');
          await switchLanguage(page, lang);
          await visit(page, '/login');
          await page.keyboard.press('Tab');
          assert.ok((await focused(page)).isSkipLink, 'the first Tab must reach the skip link');
          await page.keyboard.press('Enter');
          assert.equal(await page.evaluate(() => document.activeElement?.id), 'main',
            'the skip link must move the focus to <main>');
          await page.keyboard.press('Tab');
          assert.equal((await focused(page)).id, 'email', 'after the skip link, Tab must reach the e-mail field');
          await page.keyboard.type(ACCOUNTS.trainee);
          await page.keyboard.press('Tab');
          assert.equal((await focused(page)).id, 'password', 'then the password field');
          await page.keyboard.type(DEMO_PASSWORD);
          await page.keyboard.press('Tab');
          assert.ok((await focused(page)).isLoginSubmit, 'then the submit button');
          await page.keyboard.press('Shift+Tab');
          await Promise.all([
            page.waitForURL((u) => !u.pathname.startsWith('/login')),
            page.keyboard.press('Enter'),
          ]);
          assert.equal(new URL(page.url()).pathname, '/');
          assert.equal(await page.locator('form[action="/logout"]').count(), 1, 'Enter in the password field must sign in');
          assertNoProblems(page, `sign-in by keyboard (${lang})`);
        } finally {
          await context.close();
        }
      });

      it('the lesson page: skip link first, focus shown, the self-check answered and the next lesson reached by keyboard', async () => {
        const context = await newContext(browser);
        const page = await newPage(context);
        try {
          await signIn(page, ACCOUNTS.trainee);
          await switchLanguage(page, lang);
          const cohort = await demoCohort(page);
          const lesson = 'kunnioittava-ja-ymmarrettava-kieli';
          await visit(page, `/ryhmat/${cohort}/${lesson}`);
          const seq = await tabThrough(page, 200);
          assert.ok(seq[0]?.isSkipLink, `the first Tab must reach the skip link, got: ${seq[0]?.name}`);
          assertFocusShown(seq, `the lesson page (${lang})`);
          const check = seq.findIndex((f) => f.id === 'c0-0' || f.id?.startsWith('c0-'));
          const submit = seq.findIndex((f) => f.inForm?.endsWith('/tarkistus#tarkistus') && f.type === 'submit');
          const next = seq.findIndex((f) => f.rel === 'next');
          assert.ok(check > 0 && submit > check && next > submit,
            `Tab must reach the self-check, its submit button and the next lesson in order:\n  ${seq.map((f) => f.name).join('\n  ')}`);

          // Answer with the keyboard only: Tab to the first choice, arrows move within the
          // radio group, Space chooses, Enter on the button sends.
          await visit(page, `/ryhmat/${cohort}/${lesson}`);
          await tabTo(page, (f) => f.id?.startsWith('c0-'), 'the first self-check');
          await page.keyboard.press('Space');
          const chosen = await page.evaluate(() => document.querySelector('input[name="c0"]:checked')?.id);
          assert.ok(chosen?.startsWith('c0-'), 'Space must choose an answer');
          await tabTo(page, (f) => f.type === 'submit' && f.inForm?.endsWith('/tarkistus#tarkistus'), 'the check button');
          await Promise.all([page.waitForURL(/\/tarkistus(#.*)?$/, { waitUntil: 'load' }), page.keyboard.press('Enter')]);
          assert.ok(await page.locator('#check-0-feedback').count(), 'the answer was graded and feedback shown');
          assert.ok((await page.locator('[role="status"]').innerText()).length > 0, 'the result is announced');

          // The next lesson by keyboard.
          await visit(page, `/ryhmat/${cohort}/${lesson}`);
          await tabTo(page, (f) => f.rel === 'next', 'the next-lesson link');
          await Promise.all([page.waitForURL((u) => u.pathname !== `/ryhmat/${cohort}/${lesson}`), page.keyboard.press('Enter')]);
          assert.match(new URL(page.url()).pathname, new RegExp(`^/ryhmat/${cohort}/[a-z0-9-]+$`));
          assertNoProblems(page, `the lesson page by keyboard (${lang})`);
        } finally {
          await context.close();
        }
      });

      it('a discussion reply is written and sent with the keyboard only', async () => {
        const context = await newContext(browser);
        const page = await newPage(context);
        try {
          await signIn(page, ACCOUNTS.trainee);
          await switchLanguage(page, lang);
          const cohort = await demoCohort(page);
          await visit(page, `/ryhmat/${cohort}/asiakkaan-osallisuus/keskustelu`);
          const thread = await page.getAttribute('main ul.thread-list a', 'href');
          await visit(page, thread);
          const reply = `Näppäimistöllä kirjoitettu vastaus (${lang}) ${Date.now()}`;
          await tabTo(page, (f) => f.id === 'body', 'the reply field');
          await page.keyboard.type(reply);
          const send = await tabTo(page, (f) => f.type === 'submit', 'the send button');
          assert.equal(send.value, 'send', 'the first button after the text is Send');
          assert.ok(send.focusVisible && send.outline, 'the send button shows its focus');
          await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
          assert.ok((await page.locator('ol.posts').innerText()).includes(reply), 'the reply is in the thread');
          assert.equal(await htmlLang(page), lang);
          assert.ok((await page.locator('button[value="send"]').innerText()).includes(t(lang, 'disc.send')));
          assertNoProblems(page, `the reply by keyboard (${lang})`);
        } finally {
          await context.close();
        }
      });

      it('signed in, every element Tab reaches on the home page shows its focus', async () => {
        const context = await newContext(browser);
        const page = await newPage(context);
        try {
          await signIn(page, ACCOUNTS.admin);
          await switchLanguage(page, lang);
          await visit(page, '/');
          const seq = await tabThrough(page);
          assert.ok(seq[0]?.isSkipLink, `the first Tab must reach the skip link, got: ${seq[0]?.name}`);
          assert.ok(seq.some((f) => f.isLogout),
            `the sign-out button must be reachable by Tab:\n  ${seq.map((f) => f.name).join('\n  ')}`);
          assertFocusShown(seq, `/ as admin (${lang})`);
        } finally {
          await context.close();
        }
      });
    });
  }
});
