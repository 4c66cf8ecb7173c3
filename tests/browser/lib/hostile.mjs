// Hostile content: the payload, a context that records CSP violations, and the check that
// nothing from the payload became an element or ran.

import assert from 'node:assert/strict';
import { BASE_URL, newContext, assertNoProblems } from './kirjaamo.mjs';

/// Under 200 characters (the knowledge-bank search keeps 200).
export const PAYLOAD =
  `"'><script>window.__pwned='script'</script><img src=x data-hostile onerror="window.__pwned='img'">` +
  `<svg data-hostile onload="alert(1)"></svg>{{7*7}}`;

const ORIGIN = new URL(BASE_URL).origin;

/// A context whose pages record every Content-Security-Policy violation: with a CSP that
/// allows no inline script, a violation means markup got into the page and only the policy
/// stopped it.
export async function hostileContext(browser) {
  const context = await newContext(browser);
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI || 'inline'}`);
    });
  });
  return context;
}

/// Nothing from the payload became an element or ran, and the page is still ours. Returns the
/// page's text, to check the payload is shown as text.
export async function assertInert(page, where) {
  const state = await page.evaluate(() => ({
    elements: [...document.querySelectorAll('[data-hostile], script:not([src])')].map((e) => e.outerHTML.slice(0, 120)),
    pwned: window.__pwned ?? null,
    csp: window.__cspViolations ?? [],
    text: document.body.innerText,
  }));
  assert.deepEqual(state.elements, [], `${where}: the payload became elements`);
  assert.equal(state.pwned, null, `${where}: the payload ran`);
  assert.deepEqual(state.csp, [], `${where}: the page broke its CSP (markup got into the page)`);
  assert.equal(new URL(page.url()).origin, ORIGIN, `${where}: left the site for ${page.url()}`);
  assertNoProblems(page, where);
  return state;
}
