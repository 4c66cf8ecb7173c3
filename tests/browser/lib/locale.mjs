// The UI texts of locales/{lang}*.toml, so the tests can assert what a person reads in each
// language without copying the strings. Only what the catalogues use: [section] headers and
// one-line `key = "text"` or `section.key = "text"` entries.

import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const LOCALES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'locales');
const cache = {};

export function catalogue(lang) {
  if (cache[lang]) return cache[lang];
  const out = {};
  for (const f of readdirSync(LOCALES).filter((n) => n === `${lang}.toml` || n.startsWith(`${lang}.`))) {
    let section = '';
    for (const line of readFileSync(join(LOCALES, f), 'utf8').split(/\r?\n/)) {
      const h = /^\[([^\]]+)\]\s*$/.exec(line);
      if (h) { section = h[1].trim(); continue; }
      const kv = /^([A-Za-z0-9_.-]+)\s*=\s*(".*")\s*$/.exec(line);
      if (kv) out[section ? `${section}.${kv[1]}` : kv[1]] = JSON.parse(kv[2]);
    }
  }
  cache[lang] = out;
  return out;
}

/// The text of `key` in `lang`, with `{{ name }}` placeholders filled from `args`.
export function t(lang, key, args = {}) {
  const text = catalogue(lang)[key];
  if (text === undefined) throw new Error(`no key ${key} in locales/${lang}*.toml`);
  return text.replace(/\{\{?\s*(\w+)\s*\}?\}/g, (_, n) => (n in args ? String(args[n]) : `{{ ${n} }}`));
}
