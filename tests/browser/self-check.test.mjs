// The checks can fail: each is shown a page broken on purpose (in the browser only, the
// server is untouched) and must catch it, so a green run of the other files means something.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, visit, axe } from './lib/kirjaamo.mjs';
import { PAYLOAD, hostileContext, assertInert } from './lib/hostile.mjs';
import { tabThrough, assertFocusShown } from './lib/keyboard.mjs';
import { measure } from './lib/widths.mjs';

describe('the checks catch what they look for', () => {
  let browser;
  let context;
  let page;
  before(async () => {
    browser = await launch();
    context = await hostileContext(browser);
  });
  after(async () => { await browser?.close(); });

  it('axe: a missing label, a missing lang and low contrast', async () => {
    page = await newPage(context);
    await visit(page, '/login');
    await page.evaluate(() => {
      document.querySelector('label[for="email"]').remove();
      document.documentElement.removeAttribute('lang');
      document.querySelector('h1').style.color = '#bbbbbb';
    });
    const ids = (await axe(page)).violations.map((v) => v.id).sort();
    assert.deepEqual(ids, ['color-contrast', 'html-has-lang', 'label']);
    await page.close();
  });

  it('hostile content: markup that got into the page', async () => {
    page = await newPage(context);
    await visit(page, '/');
    await page.evaluate((html) => document.querySelector('main').insertAdjacentHTML('beforeend', html), PAYLOAD);
    await page.waitForTimeout(200);
    await assert.rejects(assertInert(page, 'injected'), /the payload became elements/);
    await page.close();
  });

  it('widths: a word that does not wrap, and a scrolling table no keyboard reaches', async () => {
    page = await newPage(context);
    await page.setViewportSize({ width: 375, height: 800 });
    await visit(page, '/');
    assert.equal((await measure(page)).sw, 375, 'the page fits before it is broken');
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'Kirjaamis'.repeat(40);
      p.style.overflowWrap = 'normal';
      document.querySelector('main').append(p);
      const box = document.createElement('div');
      box.style.overflowX = 'auto';
      const table = document.createElement('table');
      table.innerHTML = `<tr>${'<td>sarake</td>'.repeat(40)}</tr>`;
      box.append(table);
      document.querySelector('main').append(box);
    });
    const m = await measure(page);
    assert.ok(m.sw > m.vw, `the document is ${m.sw} px wide in ${m.vw} px`);
    assert.ok(m.culprits.some((c) => c.startsWith('p ')), m.culprits.join(', '));
    assert.equal(m.badRegions.length, 1, 'the table\'s box is not a focusable, named region');
    await page.close();
  });

  it('keyboard: a focused element without an outline', async () => {
    page = await newPage(context);
    await visit(page, '/login');
    await page.evaluate(() => { document.getElementById('email').style.outline = 'none'; });
    const seq = await tabThrough(page);
    assert.throws(() => assertFocusShown(seq, '/login'), /input#email/);
    await page.close();
  });
});
