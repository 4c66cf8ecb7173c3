// Measuring whether a page fits the window: the document's width against the window's, what
// sticks out, and sideways-scrolling regions that a keyboard cannot reach or that have no name.

/// The widths every page is checked at: a desktop, a small laptop or tablet, a phone.
export const WIDTHS = [1280, 1024, 375];

/// What sticks out: the document's width, and the elements wider than the window (the
/// outermost ones only), so a failure says what to fix.
export async function measure(page) {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const sw = document.documentElement.scrollWidth;
    const culprits = [];
    if (sw > vw) {
      // An element's right edge, or that of the text or children spilling out of it.
      const rightOf = (el) => {
        const r = el.getBoundingClientRect();
        const spills = getComputedStyle(el).overflowX === 'visible';
        return spills ? Math.max(r.right, r.left + el.scrollWidth) : r.right;
      };
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (rightOf(el) > vw + 0.5 && r.width > 0) {
          const parentOut = el.parentElement && el.parentElement.getBoundingClientRect().right > vw + 0.5;
          if (!parentOut || el.parentElement === document.body) {
            const name = el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') +
              (el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '');
            culprits.push(`${name} (right edge ${Math.round(rightOf(el))} px)`);
          }
        }
        if (culprits.length >= 5) break;
      }
    }
    // Regions that scroll sideways must be reachable by keyboard and named.
    const badRegions = [];
    for (const el of document.querySelectorAll('main *')) {
      const style = getComputedStyle(el);
      if (!['auto', 'scroll'].includes(style.overflowX)) continue;
      if (el.scrollWidth <= el.clientWidth) continue;
      if (el.tagName === 'PRE' || el.tagName === 'TEXTAREA') continue;
      const ok = el.getAttribute('tabindex') === '0' && el.getAttribute('role') === 'region' &&
        (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
      if (!ok) badRegions.push(el.outerHTML.slice(0, 120));
    }
    return { vw, sw, culprits, badRegions };
  });
}
