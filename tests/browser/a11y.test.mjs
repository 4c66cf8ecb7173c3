// axe-core (WCAG 2.1 A and AA) finds no violations on any page of lib/pages.mjs, for every
// person who sees it, in every language; and each page declares the language it is in.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNTS, LANGS, launch, newContext, newPage, signIn, switchLanguage, htmlLang, axe,
  formatViolations, assertNoProblems, visit,
} from './lib/kirjaamo.mjs';
import { PAGES } from './lib/pages.mjs';

const WHO = [...new Set(PAGES.flatMap((p) => p.who))];
const summary = [];

describe('accessibility (axe-core, WCAG 2.1 A/AA)', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => {
    await browser?.close();
    const bad = summary.filter((s) => s.violations > 0);
    console.log(`\naxe summary: ${summary.length} page checks, ${bad.length} with violations`);
    for (const s of summary) {
      console.log(`  ${s.violations ? 'FAIL' : 'ok  '} ${s.lang} ${s.who.padEnd(11)} ${s.page}` +
        (s.violations ? `  (${s.ids.join(', ')})` : '') +
        (s.incomplete ? `  [${s.incomplete} to review by hand]` : ''));
    }
  });

  for (const who of WHO) {
    describe(who === 'anonymous' ? 'signed out' : `signed in as ${who}`, () => {
      let context;
      let page;
      before(async () => {
        context = await newContext(browser);
        page = await newPage(context);
        if (who !== 'anonymous') await signIn(page, ACCOUNTS[who]);
      });
      after(async () => { await context?.close(); });

      for (const lang of LANGS) {
        describe(lang, () => {
          before(async () => {
            await visit(page, '/');
            await switchLanguage(page, lang);
          });
          for (const p of PAGES.filter((p) => p.who.includes(who))) {
            it(p.name, async () => {
              await p.open(page);
              const where = `${p.name} ${new URL(page.url()).pathname}${new URL(page.url()).search} (${lang}, ${who})`;
              assert.equal(await htmlLang(page), lang, `${where}: <html lang> must be ${lang}`);
              const r = await axe(page);
              summary.push({
                who, lang, page: p.name,
                violations: r.violations.length,
                ids: r.violations.map((v) => v.id),
                incomplete: r.incomplete.length,
              });
              assert.ok(r.violations.length === 0, formatViolations(where, r.violations));
              assertNoProblems(page, where);
            });
          }
        });
      }
    });
  }
});
