// Keyboard helpers: what has the focus, walking the page with Tab, and whether focus shows.

import assert from 'node:assert/strict';

/// What has the focus now: a short name, whether :focus-visible applies, whether an outline
/// is drawn, and whether the element is on screen.
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { name: 'body' };
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\s+/g, ' ');
    return {
      name: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}` +
        (text ? ` "${text.slice(0, 30)}"` : ''),
      id: el.id,
      isSkipLink: el.classList.contains('skip-link'),
      isLoginSubmit: el.matches('form[action="/login"] button[type="submit"]'),
      isLogout: el.matches('form[action="/logout"] button'),
      type: el.getAttribute('type') || '',
      value: el.getAttribute('value') || '',
      href: el.getAttribute('href') || '',
      rel: el.getAttribute('rel') || '',
      inForm: el.form ? el.form.getAttribute('action') : '',
      focusVisible: el.matches(':focus-visible'),
      outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0,
      onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 &&
        r.left < window.innerWidth,
    };
  });
}

/// Presses Tab from where the focus is until it leaves the document or comes back round;
/// returns every element reached, in order.
export async function tabThrough(page, limit = 80) {
  const seen = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.name === 'body' || (seen.length && f.name === seen[0].name)) break;
    seen.push(f);
  }
  return seen;
}

/// Every element in `sequence` showed a focus outline on screen when Tab reached it.
export function assertFocusShown(sequence, where) {
  const hidden = sequence.filter((f) => !(f.focusVisible && f.outline && f.onScreen));
  assert.deepEqual(
    hidden.map((f) => f.name), [],
    `${where}: these elements get the keyboard focus without a visible outline on screen:\n  ` +
      hidden.map((f) => `${f.name} (focus-visible ${f.focusVisible}, outline ${f.outline}, on screen ${f.onScreen})`).join('\n  '),
  );
}
