// Every page of lib/pages.mjs fits the window, for every person who sees it, at a desktop
// (1280 px), a small laptop or tablet (1024 px) and a phone (375 px) width: the document is
// never wider than the window (wide tables scroll inside their own region instead), and every
// such scrolling region can be reached and named (tabindex="0", role="region", a label).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNTS, LANGS, launch, newContext, newPage, signIn, switchLanguage, visit,
} from './lib/kirjaamo.mjs';
import { PAGES, demoCohort, submit } from './lib/pages.mjs';
import { WIDTHS, measure } from './lib/widths.mjs';

const WHO = [...new Set(PAGES.flatMap((p) => p.who))];
const failures = [];

// Words and addresses far longer than a phone is wide, written where people write: a thread
// title and post, an organisation's name, an applicant's name, address and organisation. Run
// last (the files run in name order), so the other checks see the demo world as it was.
const LONG_WORD = 'Asiakastietolain' + 'mukainen'.repeat(8) + 'kirjaamiskäytäntö';
const LONG_ADDRESS = `${'pitka.osoite.'.repeat(6)}hakija@${'sosiaali-ja-terveyspalvelut.'.repeat(3)}example.fi`;
const LONG_URL = `https://thl.fi/${'hyvinvointialueiden-kirjaamisohje/'.repeat(8)}`;

async function seedLongWords(browser) {
  const context = await newContext(browser);
  const page = await newPage(context);
  const cohort = await demoCohort(page);
  await visit(page, `/haku/${cohort}`);
  await page.fill('#name', `Hakija ${LONG_WORD}`);
  await page.fill('#email', LONG_ADDRESS);
  await page.fill('#organisation_other', `Organisaatio${LONG_WORD}`);
  await page.selectOption('#county_id', { index: 1 });
  if (await page.locator('#manager_name').count()) {
    await page.fill('#manager_name', 'Esihenkilö Pitkänen');
    await page.fill('#manager_email', LONG_ADDRESS.replace('hakija', 'esihenkilo'));
  }
  await submit(page, 'main form');
  await signIn(page, ACCOUNTS.trainee);
  await visit(page, `/ryhmat/${cohort}/asiakkaan-osallisuus/keskustelu`);
  await page.fill('#title', `Kysymys: ${LONG_WORD}`);
  await page.fill('#body', `${LONG_WORD}\n\nOhje: ${LONG_URL}\n\n\`${LONG_WORD}\``);
  await submit(page, 'section.new-thread form', { status: 303 });
  await context.close();
  const coordinator = await newContext(browser);
  const cpage = await newPage(coordinator);
  await signIn(cpage, ACCOUNTS.coordinator);
  await visit(cpage, '/hallinta/organisaatiot/uusi');
  await cpage.fill('#name', `Palveluyksikkö${LONG_WORD}`);
  await cpage.selectOption('#county_id', { index: 1 });
  await cpage.fill('#staff_count', '12');
  await submit(cpage, 'main form', { status: 303 });
  await coordinator.close();
}

describe('pages fit the window (1280, 1024 and 375 px)', () => {
  let browser;
  before(async () => {
    browser = await launch();
    await seedLongWords(browser);
  });
  after(async () => {
    await browser?.close();
    console.log(`\nwidth check: ${failures.length} page state(s) too wide`);
    for (const f of failures) console.log(`  FAIL ${f}`);
  });

  for (const who of WHO) {
    describe(who === 'anonymous' ? 'signed out' : `signed in as ${who}`, () => {
      let context;
      let page;
      before(async () => {
        context = await newContext(browser, { viewport: { width: WIDTHS[0], height: 900 } });
        page = await newPage(context);
        if (who !== 'anonymous') await signIn(page, ACCOUNTS[who]);
      });
      after(async () => { await context?.close(); });

      for (const lang of LANGS) {
        describe(lang, () => {
          before(async () => {
            await page.setViewportSize({ width: WIDTHS[0], height: 900 });
            await visit(page, '/');
            await switchLanguage(page, lang);
          });
          for (const p of PAGES.filter((p) => p.who.includes(who))) {
            it(p.name, async () => {
              const problems = [];
              // Opened once (some states are reached by a POST, which is rate-limited), then
              // laid out again at each width, as a window resized or a phone turned would be.
              await page.setViewportSize({ width: WIDTHS[0], height: 900 });
              await p.open(page);
              for (const width of WIDTHS) {
                await page.setViewportSize({ width, height: 900 });
                const m = await measure(page);
                const where = `${p.name} ${new URL(page.url()).pathname} at ${width} px (${lang}, ${who})`;
                if (m.sw > m.vw) {
                  problems.push(`${where}: the document is ${m.sw} px wide in a ${m.vw} px window; sticking out: ${m.culprits.join(', ') || '?'}`);
                }
                for (const r of m.badRegions) {
                  problems.push(`${where}: a region scrolls sideways but is not a focusable, named region: ${r}`);
                }
              }
              failures.push(...problems);
              assert.deepEqual(problems, [], problems.join('\n'));
            });
          }
        });
      }
    });
  }
});
