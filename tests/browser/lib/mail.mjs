// Reading the e-mails the server really sent: tests/smtp_server.py (aiosmtpd) stores every
// message it accepts in a Maildir (KIRJAAMO_BROWSER_MAILDIR, set by tests/app/browser.rs).
// Messages are parsed as MIME (multipart, quoted-printable, base64, RFC 2047 headers), so a
// test reads the text a person would read and takes links from it.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const MAILDIR = process.env.KIRJAAMO_BROWSER_MAILDIR || '';

/// Decodes quoted-printable into bytes (soft line breaks removed).
function decodeQuotedPrintable(s) {
  const bytes = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes);
}

function decodeBody(raw, encoding, charset) {
  const enc = (encoding || '7bit').toLowerCase().trim();
  let bytes;
  if (enc === 'base64') bytes = Buffer.from(raw.replace(/\s+/g, ''), 'base64');
  else if (enc === 'quoted-printable') bytes = decodeQuotedPrintable(raw);
  else bytes = Buffer.from(raw, 'utf8');
  return new TextDecoder(charset || 'utf-8').decode(bytes);
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=` and `=?utf-8?q?…?=`); whitespace between two
/// encoded words is dropped, as the standard says.
export function decodeHeader(value) {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset, kind, data) => {
      const bytes = kind.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64')
        : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return new TextDecoder(charset).decode(bytes);
    });
}

function splitHeaders(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function param(value, name) {
  const m = new RegExp(`${name}="?([^";]+)"?`, 'i').exec(value || '');
  return m ? m[1] : '';
}

/// The text/plain and text/html parts of a MIME entity, decoded.
function parts(raw, out) {
  const { headers, body } = splitHeaders(raw);
  const type = (headers['content-type'] || 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = param(headers['content-type'], 'boundary');
    for (const piece of body.split(`--${boundary}`).slice(1)) {
      if (piece.startsWith('--')) break;
      parts(piece.replace(/^\r?\n/, ''), out);
    }
  } else if (type.startsWith('text/')) {
    const text = decodeBody(body, headers['content-transfer-encoding'], param(type, 'charset'));
    if (type.startsWith('text/html')) out.html = (out.html || '') + text;
    else out.text = (out.text || '') + text;
  }
  return out;
}

/// One message: who it is to, its subject, the plain text and HTML a person reads.
export function parseMessage(raw, file = '') {
  const { headers } = splitHeaders(raw);
  const body = parts(raw, {});
  return {
    file,
    to: decodeHeader(headers.to || ''),
    from: decodeHeader(headers.from || ''),
    subject: decodeHeader(headers.subject || ''),
    messageId: headers['message-id'] || '',
    text: body.text || '',
    html: body.html || '',
  };
}

/// Every message received so far, oldest first.
export function allMessages() {
  if (!MAILDIR) throw new Error('KIRJAAMO_BROWSER_MAILDIR is not set (tests/app/browser.rs sets it)');
  const files = [];
  for (const sub of ['new', 'cur']) {
    let names = [];
    try { names = readdirSync(join(MAILDIR, sub)); } catch { continue; }
    for (const n of names) {
      const path = join(MAILDIR, sub, n);
      files.push({ path, mtime: statSync(path).mtimeMs });
    }
  }
  files.sort((a, b) => a.mtime - b.mtime || a.path.localeCompare(b.path));
  return files.map((f) => parseMessage(readFileSync(f.path, 'utf8'), f.path));
}

const taken = new Set();

/// Waits (the server's mail worker runs every few seconds) for a message to `to` whose
/// subject matches `subject`, not handed out before; returns it.
export async function waitForMail(to, subject, { timeout = 40000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = allMessages().find((m) =>
      !taken.has(m.file) && m.to.toLowerCase().includes(to.toLowerCase()) && subject.test(m.subject));
    if (found) {
      taken.add(found.file);
      return found;
    }
    if (Date.now() > deadline) {
      const seen = allMessages().map((m) => `  ${m.to}: ${m.subject}`).join('\n');
      throw new Error(`no e-mail to ${to} with a subject matching ${subject} within ${timeout} ms; received:\n${seen}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/// The links in a message's plain text that start with `base` (the server's address).
export function linksIn(message, base) {
  const links = message.text.match(/https?:\/\/[^\s<>"')]+/g) || [];
  return links.filter((l) => l.startsWith(base));
}
