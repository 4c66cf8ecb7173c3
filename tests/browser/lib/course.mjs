// The real course sources (courses/, or KIRJAAMO_BROWSER_COURSES): which choices of each
// self-check are right, so a test can pass the checks as a trainee who studied would. The
// page itself does not reveal the answers before they are graded on the server.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const COURSES = process.env.KIRJAAMO_BROWSER_COURSES ||
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'courses');

/// The `key = value` lines of a check block (TOML, single-line values as the courses write
/// them; a value continued over lines is joined until its brackets close).
function parseCheck(block) {
  const out = {};
  let pending = null;
  for (const line of block.split(/\r?\n/)) {
    if (pending) {
      pending.text += `\n${line}`;
    } else {
      const m = /^(\w+)\s*=\s*(.*)$/.exec(line);
      if (!m) continue;
      pending = { key: m[1], text: m[2] };
    }
    const open = (pending.text.match(/\[/g) || []).length;
    const close = (pending.text.match(/\]/g) || []).length;
    if (open <= close) {
      const v = pending.text.trim().replace(/,\s*\]$/, ']');
      try { out[pending.key] = JSON.parse(v); } catch { out[pending.key] = v; }
      pending = null;
    }
  }
  return out;
}

/// lesson slug -> [{ question, choices, correct }] for the course `slug`.
export function courseChecks(slug) {
  const dir = join(COURSES, slug);
  const lessons = {};
  for (const mod of readdirSync(dir).sort()) {
    if (!/^\d+-/.test(mod) || !statSync(join(dir, mod)).isDirectory()) continue;
    for (const file of readdirSync(join(dir, mod)).sort()) {
      const m = /^\d+-(.+)\.md$/.exec(file);
      if (!m) continue;
      const src = readFileSync(join(dir, mod, file), 'utf8');
      const checks = [...src.matchAll(/^```check\s*\r?\n([\s\S]*?)^```\s*$/gm)].map((b) => parseCheck(b[1]));
      lessons[m[1]] = checks;
    }
  }
  return lessons;
}

/// The `exercise` block of each lesson that has one, for the course `slug`: lesson slug ->
/// { model, levels (per criterion, how many), required, peerReviews }. The model entry is a
/// fine thing for a test trainee to submit: it passes the course's own checker.
export function courseExercises(slug) {
  const dir = join(COURSES, slug);
  const out = {};
  for (const mod of readdirSync(dir).sort()) {
    if (!/^\d+-/.test(mod) || !statSync(join(dir, mod)).isDirectory()) continue;
    for (const file of readdirSync(join(dir, mod)).sort()) {
      const m = /^\d+-(.+)\.md$/.exec(file);
      if (!m) continue;
      const src = readFileSync(join(dir, mod, file), 'utf8');
      const block = /^```exercise\s*\r?\n([\s\S]*?)^```\s*$/m.exec(src);
      if (!block) continue;
      const body = block[1];
      const model = /^model = """\r?\n?([\s\S]*?)"""/m.exec(body);
      const levels = [...body.matchAll(/levels = (\[[^\]]*\])/g)].map((l) => JSON.parse(l[1]).length);
      const required = /^required = (\[[^\]]*\])/m.exec(body);
      const peer = /^peer_reviews = (\d+)/m.exec(body);
      const review = /^review = "([^"]+)"/m.exec(body);
      out[m[1]] = {
        model: model ? model[1].trim() : '',
        levels,
        required: required ? JSON.parse(required[1]) : ['self'],
        peerReviews: peer ? Number(peer[1]) : (review && review[1].includes('peer') ? 2 : 0),
      };
    }
  }
  return out;
}
