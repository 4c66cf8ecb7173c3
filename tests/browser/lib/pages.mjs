// The pages (and page states) the accessibility check visits. To check a new page, add one
// entry: `who` lists the people who see it (`anonymous` or a key of ACCOUNTS), `open` brings
// the page into the state to check (use `get` for a plain GET). Every entry is checked in
// every language of LANGS.
//
// The cohort pages use the demo cohort of `kirjaamo demo` (the demo trainee studies in it, the
// demo trainer teaches it, the demo coordinator's region runs it); pages that only exist after
// a completion (the certificate) are checked by journeys.test.mjs.

import { htmlLang, switchLanguage, visit } from './kirjaamo.mjs';

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

const DEMO_COHORT = 'Kevät 2027, Socca (demo)';
const LESSON = 'asiakkaan-osallisuus';
/// The demo question in that lesson's discussion, which the demo trainer has answered.
const DEMO_QUESTION = 'Miten kirjaan asiakkaan näkemyksen';
/// The demo seeds this exercise: the demo trainee has submitted and has a peer's entry to review.
const EXERCISE = 'harjoitus-kotikaynti';
/// …and has not started this one.
const EXERCISE_NEW = 'harjoitus-palvelutarpeen-arvioinnin-yhteenveto';
let cohortId = null;

/// The id of the demo cohort, from the public list of open cohorts.
export async function demoCohort(page) {
  if (cohortId) return cohortId;
  await visit(page, '/haku');
  const href = await page.getAttribute(`li.card:has(h2:text-is("${DEMO_COHORT}")) a`, 'href');
  if (!href) throw new Error(`the demo cohort ${DEMO_COHORT} is not open for applications (run kirjaamo demo)`);
  cohortId = Number(href.split('/').pop());
  return cohortId;
}

/// Opens a path under the demo cohort: `inCohort((c) => `/ryhmat/${c}/`)`.
const inCohort = (path, status = 200) => async (page) => {
  await visit(page, path(await demoCohort(page)), { status });
};

/// Opens the first link in `main` matching `selector` on `path`.
const firstLink = (path, selector) => async (page) => {
  await visit(page, typeof path === 'function' ? path(await demoCohort(page)) : path);
  const href = await page.getAttribute(`main ${selector}`, 'href');
  if (!href) throw new Error(`${path}: no link ${selector}`);
  await visit(page, href);
};

const IN_COHORT = ['trainee', 'trainer', 'coordinator', 'admin'];
/// The training kit of the basic course's first theme.
const KIT = 'kirjaamisvalmennus/asiakaslahtoinen-kirjaaminen';
const MANAGERS = ['coordinator', 'admin'];

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
  {
    name: 'login, held after repeated failures',
    who: ['anonymous'],
    open: async (page) => {
      // Five wrong passwords hold an account: 429, and the page says when to try again.
      for (let i = 0; i < 6; i += 1) {
        await visit(page, '/login');
        await page.fill('#email', 'held@demo.kirjaamo.test');
        await page.fill('#password', `not the password ${i}`);
        const [res] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === 'POST'),
          page.click('form[action="/login"] button[type="submit"]'),
        ]);
        await page.waitForLoadState('load');
        if (res.status() === 429) return;
      }
      throw new Error('six wrong passwords did not hold the account');
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
  { name: 'knowledge bank, /kunskapsbank', who: ['anonymous'], open: get('/kunskapsbank') },
  {
    name: 'knowledge bank entry of the Swedish course (sources, the Finnish lesson)',
    who: ['anonymous'],
    open: get('/tietopankki/dokumentationsutbildning/klientens-delaktighet'),
  },
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
  { name: 'open cohorts', who: ['anonymous'], open: get('/haku') },
  { name: 'application form', who: ['anonymous'], open: inCohort((c) => `/haku/${c}`) },
  {
    name: 'application form, with errors',
    who: ['anonymous'],
    open: async (page) => {
      await visit(page, `/haku/${await demoCohort(page)}`);
      await page.fill('#email', 'not-an-address');
      await submit(page, 'main form', { status: 400, noValidate: true });
    },
  },
  { name: 'cohort outline', who: IN_COHORT, open: inCohort((c) => `/ryhmat/${c}/`) },
  { name: 'lesson', who: IN_COHORT, open: inCohort((c) => `/ryhmat/${c}/${LESSON}`) },
  {
    name: 'lesson, self-check answered wrong',
    who: ['trainee'],
    open: async (page) => {
      await visit(page, `/ryhmat/${await demoCohort(page)}/${LESSON}`);
      await page.check('#c0-0');
      await submit(page, 'section#tarkistus form', { status: 303 });
      if (new URL(page.url()).pathname.endsWith('/tarkistus')) throw new Error(`not redirected to the lesson: ${page.url()}`);
      if (!(await page.locator('.feedback').count())) throw new Error('no feedback after answering');
    },
  },
  { name: 'lesson discussion', who: IN_COHORT, open: inCohort((c) => `/ryhmat/${c}/${LESSON}/keskustelu`) },
  {
    name: 'discussion thread',
    who: IN_COHORT,
    open: firstLink((c) => `/ryhmat/${c}/${LESSON}/keskustelu`, 'ul.thread-list a'),
  },
  {
    name: 'new thread, preview',
    who: ['trainee'],
    open: async (page) => {
      await visit(page, `/ryhmat/${await demoCohort(page)}/${LESSON}/keskustelu`);
      await page.fill('#title', 'Esikatselu');
      await page.fill('#body', 'Tekstiä **lihavoituna** ja [linkki](https://thl.fi).');
      await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('section.new-thread button[value="preview"]')]);
      await page.waitForLoadState('load');
    },
  },
  { name: 'discussions', who: IN_COHORT, open: get('/keskustelut') },
  { name: 'cohort discussions', who: IN_COHORT, open: inCohort((c) => `/keskustelut/ryhma/${c}`) },
  { name: "trainers' desk (unanswered questions)", who: ['trainer'], open: get('/keskustelut/valmentaja') },
  { name: 'discussion figures', who: ['trainer', 'coordinator'], open: inCohort((c) => `/hallinta/ryhmat/${c}/keskustelut`) },
  { name: 'expert home', who: ['trainee', 'coordinator'], open: get('/asiantuntija') },
  { name: 'cohorts', who: ['trainer', ...MANAGERS], open: get('/hallinta/ryhmat') },
  {
    name: 'new cohort, with errors beside the fields',
    who: ['coordinator'],
    open: async (page) => {
      await visit(page, '/hallinta/ryhmat/uusi');
      await page.fill('#name', 'Virheellinen ryhmä');
      await page.fill('#starts_on', '2030-03-01');
      await page.fill('#ends_on', '2030-02-01');
      await submit(page, 'main form.form', { status: 400, noValidate: true });
      if (!(await page.locator('#ends_on-error').count())) throw new Error('no error beside the end date');
    },
  },
  {
    name: 'cohort, cancel refused without a reason',
    who: ['coordinator'],
    open: async (page) => {
      await visit(page, `/hallinta/ryhmat/${await demoCohort(page)}`);
      await page.click('details.danger-zone summary');
      await submit(page, 'details.danger-zone form', { status: 400, noValidate: true });
      if (!(await page.locator('#cancel-reason-error').count())) throw new Error('no error beside the reason');
    },
  },
  { name: 'new cohort', who: MANAGERS, open: get('/hallinta/ryhmat/uusi') },
  { name: 'cohort (management)', who: ['trainer', ...MANAGERS], open: inCohort((c) => `/hallinta/ryhmat/${c}`) },
  { name: 'cohort, edit', who: MANAGERS, open: inCohort((c) => `/hallinta/ryhmat/${c}/muokkaa`) },
  { name: 'application queue', who: MANAGERS, open: inCohort((c) => `/hallinta/ryhmat/${c}/hakemukset`) },
  { name: 'invitations', who: ['coordinator'], open: inCohort((c) => `/hallinta/ryhmat/${c}/kutsu`) },
  { name: 'organisations', who: MANAGERS, open: get('/hallinta/organisaatiot') },
  { name: 'new organisation', who: ['coordinator'], open: get('/hallinta/organisaatiot/uusi') },
  { name: 'organisation import', who: ['coordinator'], open: get('/hallinta/organisaatiot/tuonti') },
  { name: 'network: registry and reach', who: MANAGERS, open: get('/verkosto') },
  { name: 'network: announcements', who: ['coordinator'], open: get('/verkosto/tiedotteet') },
  { name: 'network: registry transfer', who: ['coordinator'], open: get('/verkosto/siirto') },
  { name: 'network: placements', who: MANAGERS, open: get('/verkosto/sijoitettavat') },
  { name: 'network: API tokens', who: ['coordinator'], open: get('/verkosto/api-avaimet') },
  { name: 'network: refresher enrolment', who: MANAGERS, open: get('/verkosto/kertaus') },
  { name: 'admin: users', who: ['admin'], open: get('/hallinta/kayttajat') },
  { name: 'admin: a user', who: ['admin'], open: firstLink('/hallinta/kayttajat', 'a[href^="/hallinta/kayttajat/"]') },
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
  { name: 'audit log', who: MANAGERS, open: get('/hallinta/loki') },
  { name: 'audit log, filter with errors', who: ['admin'], open: get('/hallinta/loki?alkaen=23.11.2026&paikka=x', 400) },
  {
    name: 'network: registry transfer, confirmation',
    who: ['coordinator'],
    open: async (page) => {
      await visit(page, '/verkosto/siirto');
      const county = await page.$eval('#county_id option', (o) => o.value);
      await visit(page, `/verkosto/siirto/vahvista?county_id=${county}&email=${encodeURIComponent('uusi.koordinaattori@demo.kirjaamo.test')}&name=${encodeURIComponent('Uusi Koordinaattori')}`);
    },
  },
  {
    name: 'admin: role change, confirmation',
    who: ['admin'],
    open: async (page) => {
      await firstLink('/hallinta/kayttajat', 'a[href^="/hallinta/kayttajat/"]')(page);
      await Promise.all([page.waitForLoadState('load'), page.click('main form[action$="/roolit"] button[type="submit"]')]);
      await page.waitForURL(/\/roolit\?/);
    },
  },
  {
    name: 'admin: account deletion, confirmation',
    who: ['admin'],
    open: async (page) => {
      await firstLink('/hallinta/kayttajat', 'a[href^="/hallinta/kayttajat/"]')(page);
      const href = await page.getAttribute('main a[href$="/poista"]', 'href');
      if (!href) throw new Error('no deletion link on the user page');
      await visit(page, href);
    },
  },
  { name: 'cohort: removing a trainee, confirmation', who: ['coordinator'], open: firstLink((c) => `/hallinta/ryhmat/${c}`, 'a[href$="/peru"]') },
  {
    name: 'discussion: redacting a post',
    who: ['trainer', 'coordinator'],
    open: async (page) => {
      await firstLink((c) => `/ryhmat/${c}/${LESSON}/keskustelu`, `ul.thread-list a:has-text("${DEMO_QUESTION}")`)(page);
      const href = await page.getAttribute('main a[href$="/poista-teksti"]', 'href');
      if (!href) throw new Error('no redaction link on the thread page');
      await visit(page, href);
    },
  },
  {
    name: 'discussion: asking to redact one\'s own post',
    who: ['trainer'],
    open: async (page) => {
      await firstLink((c) => `/ryhmat/${c}/${LESSON}/keskustelu`, `ul.thread-list a:has-text("${DEMO_QUESTION}")`)(page);
      // The trainer's own answer: moderators see the removal itself, so the request form is
      // opened by its address (a trainee reaches it by the link on their own posts).
      const href = await page.getAttribute('main article.post-trainer a[href$="/poista-teksti"]', 'href');
      if (!href) throw new Error('no post of the trainer on the thread page');
      await visit(page, href.replace(/poista-teksti$/, 'poistopyynto'));
    },
  },
  { name: 'admin: regions and counties', who: ['admin'], open: get('/hallinta/alueet') },
  { name: 'admin: a region\'s names', who: ['admin'], open: firstLink('/hallinta/alueet', 'a[href^="/hallinta/alueet/"]') },
  { name: 'admin: a county', who: ['admin'], open: firstLink('/hallinta/alueet', 'a[href^="/hallinta/hyvinvointialueet/"]') },
  {
    name: 'admin: a county, move refused',
    who: ['admin'],
    open: async (page) => {
      await firstLink('/hallinta/alueet', 'a[href^="/hallinta/hyvinvointialueet/"]')(page);
      await page.selectOption('#region_id', { index: 1 });
      await page.fill('#valid_from', '2022-12-31');
      await submit(page, 'form[action$="/siirto"]', { status: 400, noValidate: true });
      if (!(await page.locator('#valid_from-error').count())) throw new Error('no error next to the date');
    },
  },
  // Trainings, attendance and training kits.
  { name: 'expert home (an expert)', who: ['expert'], open: get('/asiantuntija') },
  { name: 'training kits', who: ['expert', 'trainer', 'coordinator'], open: get('/valmennuspaketit') },
  { name: "kit: facilitator's guide", who: ['expert', 'coordinator'], open: get(`/valmennuspaketit/${KIT}`) },
  { name: 'kit: slides', who: ['expert'], open: get(`/valmennuspaketit/${KIT}/diat`) },
  { name: 'kit: handout', who: ['anonymous', 'expert'], open: get(`/tietopankki/moniste/${KIT}`) },
  { name: 'plan a training', who: ['expert'], open: get('/asiantuntija/koulutukset/uusi') },
  {
    name: 'plan a training, with errors',
    who: ['expert'],
    open: async (page) => {
      await visit(page, '/asiantuntija/koulutukset/uusi');
      await page.fill('#held_on', '2020-01-01');
      await page.fill('#planned_size', '0');
      await submit(page, 'main form', { status: 400, noValidate: true });
    },
  },
  { name: 'log a training held without the app', who: ['expert'], open: get('/asiantuntija/koulutukset/uusi?tapa=kirjaa') },
  { name: 'a planned training', who: ['expert'], open: firstLink('/asiantuntija', 'a[href^="/koulutukset/"]') },
  {
    name: 'a planned training, the code shown large',
    who: ['expert'],
    open: async (page) => {
      await visit(page, '/asiantuntija');
      const href = await page.getAttribute('main a[href^="/koulutukset/"]', 'href');
      if (!href) throw new Error('the demo expert has no planned training');
      await visit(page, `${href}/naytto`);
    },
  },
  { name: 'attendance: type the code', who: ['anonymous'], open: get('/osallistu') },
  { name: 'attendance: a code that does not exist', who: ['anonymous'], open: get('/osallistu?koodi=X', 400) },
  { name: 'network: reach by organisation and profession', who: MANAGERS, open: get('/verkosto/tavoittavuus') },
  { name: 'exercise lesson, submitted with feedback', who: IN_COHORT, open: inCohort((c) => `/ryhmat/${c}/${EXERCISE}`) },
  { name: 'exercise lesson, the writing form', who: ['trainee'], open: inCohort((c) => `/ryhmat/${c}/${EXERCISE_NEW}`) },
  {
    name: 'exercise lesson, the checker hints',
    who: ['trainee'],
    open: async (page) => {
      await visit(page, `/ryhmat/${await demoCohort(page)}/${EXERCISE_NEW}`);
      await page.fill('#ex-body', 'Asiakas on hankala. TTT haettu. On sovittu uusi tapaaminen.');
      await submit(page, 'form.exercise-form', { status: 303 });
      if (!(await page.locator('section#vinkit li').count())) throw new Error('no checker hints shown');
    },
  },
  {
    name: 'exercise lesson, refused by the privacy guard',
    who: ['trainee'],
    open: async (page) => {
      await visit(page, `/ryhmat/${await demoCohort(page)}/${EXERCISE_NEW}`);
      await page.fill('#ex-body', 'Asiakkaan puhelinnumero on 040 123 4567.');
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 400),
        page.click('form.exercise-form button[value="save"]'),
      ]);
      await page.waitForLoadState('load');
    },
  },
  { name: 'my exercises', who: ['trainee', 'trainer'], open: get('/harjoitukset') },
  { name: 'peer review page', who: ['trainee'], open: firstLink('/harjoitukset', 'a[href^="/harjoitukset/arvioi/"]') },
  {
    name: 'peer review page, with errors',
    who: ['trainee'],
    open: async (page) => {
      await visit(page, '/harjoitukset');
      const href = await page.getAttribute('main a[href^="/harjoitukset/arvioi/"]', 'href');
      if (!href) throw new Error('the demo trainee has nothing to review (is the demo seeded?)');
      await visit(page, href);
      await page.fill('#comment', 'Lyhyt.');
      await submit(page, 'main form', { status: 400, noValidate: true });
    },
  },
  { name: 'cohort exercises and figures', who: ['trainer', ...MANAGERS], open: inCohort((c) => `/harjoitukset/ryhma/${c}`) },
  {
    name: "a trainee's entry (trainer)",
    who: ['trainer', 'coordinator'],
    open: firstLink((c) => `/harjoitukset/ryhma/${c}`, 'a[href^="/harjoitukset/vastaus/"]'),
  },
  {
    name: 'publishing an example',
    who: ['trainer'],
    open: async (page) => {
      await visit(page, `/harjoitukset/ryhma/${await demoCohort(page)}`);
      const href = await page.getAttribute('main a[href^="/harjoitukset/vastaus/"]', 'href');
      if (!href) throw new Error('no entries (is the demo seeded?)');
      await visit(page, `${href}/julkaise`);
    },
  },
  {
    name: 'knowledge-bank example',
    who: ['anonymous', 'trainee'],
    open: async (page) => {
      const selector = 'main a[href^="/tietopankki/esimerkit/"]';
      await visit(page, '/tietopankki');
      // Not waiting: on a Swedish page the list may rightly have no example.
      let href = await (await page.$(selector))?.getAttribute('href');
      if (!href) {
        // The bank lists the content of the page's language; the demo's example is in the
        // Finnish course. Find it there, then read it on a page in the original language.
        const lang = await htmlLang(page);
        await switchLanguage(page, 'fi');
        await visit(page, '/tietopankki');
        href = await page.getAttribute(selector, 'href');
        await switchLanguage(page, lang);
      }
      if (!href) throw new Error('no example in the knowledge bank (is the demo seeded?)');
      await visit(page, href);
    },
  },
  { name: 'exercise e-mail unsubscribe, invalid link', who: ['anonymous'], open: get('/harjoitukset/peru-tilaus/vanha-linkki', 410) },
];
