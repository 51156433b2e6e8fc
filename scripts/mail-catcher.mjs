// A local mail catcher for trying invitation emails by hand (`npm run mail-catcher`): an SMTP
// server on 127.0.0.1:2525 that keeps what it receives, prints each message (to, subject, the
// text part and its links) here, and shows them on http://127.0.0.1:1080, newest first, each
// HTML part in a sandboxed iframe. Start Guestlink with SMTP_URL=smtp://127.0.0.1:2525.
// Options: --smtp-port N, --http-port N. Nothing leaves this machine; messages live in memory.
import { Buffer } from 'node:buffer';
import console from 'node:console';
import http from 'node:http';
import process from 'node:process';
import { URL } from 'node:url';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const HOST = '127.0.0.1';
const KEPT = 200;
const MESSAGE_BYTES_MAX = 10 * 1024 * 1024;
const LINK = /https?:\/\/[^\s<>"')\]]+/g;

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`--${name} must be a port number (1-65535)`);
    process.exit(2);
  }
  return value;
}

const smtpPort = option('smtp-port', 2525);
const httpPort = option('http-port', 1080);
/** Newest first. */
const messages = [];

function escapeHtml(value) {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

function addresses(field) {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.map((entry) => entry.text).join(', ');
}

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  size: MESSAGE_BYTES_MAX,
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', async () => {
      if (stream.sizeExceeded)
        return callback(Object.assign(new Error('Message too big'), { responseCode: 552 }));
      try {
        const parsed = await simpleParser(Buffer.concat(chunks));
        const text = parsed.text ?? '';
        const message = {
          receivedAt: new Date(),
          envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          from: addresses(parsed.from),
          to: addresses(parsed.to),
          subject: parsed.subject ?? '(no subject)',
          text,
          html: typeof parsed.html === 'string' ? parsed.html : '',
          links: [...new Set(text.match(LINK) ?? [])],
        };
        messages.unshift(message);
        messages.length = Math.min(messages.length, KEPT);
        console.log(
          [
            `── ${message.receivedAt.toISOString()} ─ to ${message.envelopeTo.join(', ')}`,
            `Subject: ${message.subject}`,
            '',
            message.text.trimEnd(),
            '',
            ...message.links.map((link) => `Link: ${link}`),
            '',
          ].join('\n'),
        );
        callback();
      } catch (error) {
        callback(error);
      }
    });
  },
});
smtp.on('error', (error) => {
  console.error(`SMTP: ${error.message}`);
  if (error.code === 'EADDRINUSE') process.exit(1);
});

function page() {
  const items = messages
    .map(
      (message) => `
<article>
  <h2>${escapeHtml(message.subject)}</h2>
  <p class="meta">${escapeHtml(message.receivedAt.toISOString())} · from ${escapeHtml(message.from)} ·
    to ${escapeHtml(message.to)} (envelope: ${escapeHtml(message.envelopeTo.join(', '))})</p>
  ${message.links.map((link) => `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`).join('')}
  <details><summary>Plain text</summary><pre>${escapeHtml(message.text)}</pre></details>
  ${message.html ? `<iframe sandbox="" title="HTML part" srcdoc="${escapeHtml(message.html)}"></iframe>` : ''}
</article>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Mail catcher (${messages.length})</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1f2328}
article{border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:1rem 0}
h2{font-size:1.1rem;margin:0 0 .3rem}.meta{color:#57606a;font-size:.9rem}
pre{white-space:pre-wrap;background:#f6f8fa;padding:.75rem}
iframe{width:100%;height:28rem;border:1px solid #d0d7de;border-radius:4px;background:#fff}
</style></head><body>
<h1>Mail catcher</h1>
<p>SMTP on ${HOST}:${smtpPort} · newest first · reload for new mail · kept in memory (last ${KEPT}).</p>
${items || '<p>No mail yet. Start Guestlink with <code>SMTP_URL=smtp://127.0.0.1:' + smtpPort + '</code> and invite someone.</p>'}
</body></html>`;
}

const web = http.createServer((request, response) => {
  if (
    (request.method !== 'GET' && request.method !== 'HEAD') ||
    new URL(request.url, 'http://catcher').pathname !== '/'
  ) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
    return;
  }
  response
    .writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      // The messages' own HTML runs in sandboxed iframes; nothing on this page runs scripts.
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-src 'self'",
      'cache-control': 'no-store',
    })
    .end(page());
});

smtp.listen(smtpPort, HOST, () => {
  web.listen(httpPort, HOST, () => {
    console.log(`Mail catcher: SMTP on smtp://${HOST}:${smtpPort}, messages on http://${HOST}:${httpPort}`);
    console.log(`Start Guestlink with SMTP_URL=smtp://${HOST}:${smtpPort}`);
  });
});
web.on('error', (error) => {
  console.error(`HTTP: ${error.message}`);
  process.exit(1);
});

function stop() {
  web.close();
  smtp.close(() => process.exit(0));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
