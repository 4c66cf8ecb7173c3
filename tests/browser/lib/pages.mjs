// The pages (and page states) the accessibility check visits. To check a new page, add one
// entry: `who` lists the people who see it (`anonymous` or a key of ACCOUNTS), `open` brings
// the page into the state to check (use `get` for a plain GET). Every entry is checked in
// every language of LANGS.
//
// Lesson pages (/ryhmat/…) need an enrolment, which `kirjaamo demo` does not create yet.

import { visit } from './kirjaamo.mjs';

const EVERYONE = ['anonymous', 'trainee', 'trainer', 'coordinator', 'admin'];

/// Opens `path` and expects `status`.
export const get = (path, status = 200) => async (page) => {
  await visit(page, path, { status });
};

/// Submits the form `form` on the current page and waits for the answer; `noValidate` skips
/// the browser's own checks so the server's error state is reached.
export async function submit(page, form, { status, noValidate = false } = {}) {
  if (noValidate) await page.$eval(form, (f) => { f.noValidate = true; });
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.click(`${form} button[type="submit"]`),
  ]);
  await page.waitForLoadState('load');
  if (status && res.status() !== status) {
    throw new Error(`${form}: expected HTTP ${status}, got ${res.status()}`);
  }
}

/// The first knowledge-bank entry listed on the index.
export async function firstEntry(page) {
  await visit(page, '/tietopankki');
  const href = await page.getAttribute('main .entry-list a', 'href');
  if (!href) throw new Error('the knowledge bank lists no entries (are the courses published?)');
  const title = (await page.textContent('main .entry-list a')).trim();
  return { href, title };
}

export const PAGES = [
  { name: 'home', who: EVERYONE, open: get('/') },
  { name: 'login', who: ['anonymous'], open: get('/login') },
  {
    name: 'login, wrong password',
    who: ['anonymous'],
    open: async (page) => {
      await visit(page, '/login');
      await page.fill('#email', 'nobody@demo.kirjaamo.test');
      await page.fill('#password', 'not the password at all');
      await submit(page, 'form[action="/login"]', { status: 401 });
    },
  },
  { name: 'forgotten password', who: ['anonymous'], open: get('/salasana/unohtunut') },
  {
    name: 'forgotten password, sent',
    who: ['anonymous'],
    open: async (page) => {
      await visit(page, '/salasana/unohtunut');
      await page.fill('#email', 'nobody@demo.kirjaamo.test');
      await submit(page, 'form[action="/salasana/unohtunut"]');
    },
  },
  { name: 'account', who: ['trainee', 'admin'], open: get('/tili') },
  { name: 'accessibility statement', who: ['anonymous', 'trainee'], open: get('/saavutettavuus') },
  { name: 'feedback', who: ['anonymous', 'trainee'], open: get('/palaute') },
  {
    name: 'feedback, with errors',
    who: ['anonymous'],
    open: async (page) => {
      await visit(page, '/palaute');
      await page.fill('#message', '   ');
      await page.fill('#email', 'not-an-address');
      await submit(page, 'form[action="/palaute"]', { status: 400, noValidate: true });
    },
  },
  {
    name: 'feedback, sent',
    who: ['anonymous'],
    open: async (page) => {
      await visit(page, '/palaute');
      await page.fill('#message', 'Selaintesti: palaute toimii.');
      await submit(page, 'form[action="/palaute"]', { status: 200 });
    },
  },
  { name: 'knowledge bank', who: ['anonymous', 'trainee'], open: get('/tietopankki') },
  {
    name: 'knowledge-bank entry',
    who: ['anonymous', 'trainee'],
    open: async (page) => {
      const { href } = await firstEntry(page);
      await visit(page, href);
    },
  },
  {
    name: 'knowledge-bank search results',
    who: ['anonymous'],
    open: async (page) => {
      const { title } = await firstEntry(page);
      const word = title.split(/[\s,.:;–-]+/).find((w) => w.length >= 5) || title;
      await visit(page, `/tietopankki?q=${encodeURIComponent(word)}`);
      if (!(await page.locator('main .entry-list a').count())) {
        throw new Error(`searching for ${JSON.stringify(word)} found nothing`);
      }
    },
  },
  {
    name: 'knowledge-bank search, no results',
    who: ['anonymous'],
    open: get('/tietopankki?q=zzzyyxx'),
  },
  { name: 'not found (404)', who: ['anonymous', 'trainee'], open: get('/ei-tallaista-sivua', 404) },
  { name: 'admin: outbox', who: ['admin'], open: get('/hallinta/posti') },
  { name: 'surveys', who: ['trainee', 'coordinator', 'admin'], open: get('/kyselyt') },
  { name: 'new survey', who: ['coordinator'], open: get('/kyselyt/uusi') },
  {
    name: 'survey answer form',
    who: ['trainee'],
    open: async (page) => {
      await visit(page, '/kyselyt');
      const href = await page.getAttribute('main .cards a', 'href');
      if (!href) throw new Error('no survey to answer (is the demo seeded?)');
      await visit(page, href);
    },
  },
  {
    name: 'survey results',
    who: ['coordinator'],
    open: async (page) => {
      await visit(page, '/kyselyt');
      const href = await page.getAttribute('main a[href$="/tulokset"]', 'href');
      if (!href) throw new Error('no survey results listed (is the demo seeded?)');
      await visit(page, href);
    },
  },
  { name: 'assessment comparison', who: ['coordinator'], open: get('/kartoitus') },
  {
    name: 'assessment form',
    who: ['coordinator'],
    open: async (page) => {
      await visit(page, '/kartoitus');
      const href = await page.getAttribute('main a[href^="/kartoitus/"]', 'href');
      if (!href) throw new Error('no county to assess');
      await visit(page, href);
    },
  },
  { name: 'coordinators\' overview', who: ['coordinator', 'admin'], open: get('/hallinta/yleiskuva') },
];
