// Keyboard use: the skip link comes first, the login form is reached in order and works with
// Enter, and every element the Tab key reaches shows its focus.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNTS, DEMO_PASSWORD, LANGS, launch, newContext, newPage, signIn, switchLanguage,
  htmlLang, visit, assertNoProblems,
} from './lib/kirjaamo.mjs';
import { focused, tabThrough, assertFocusShown } from './lib/keyboard.mjs';

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
