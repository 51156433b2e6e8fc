import { randomBytes } from 'node:crypto';
import { escapeXML } from 'ejs';
import type { Request } from 'express';
import type { MessageValues, Translator } from '../i18n/translator';

/** A time the page shows in the viewer's own zone (public/js/local-time.js), and its server-written fallback. */
export interface PageTime {
  iso: string;
  text: string;
}

/** "18:40 UTC" in the reader's language: what the page shows until local-time.js rewrites it. */
export function pageTime(i18n: Translator, date: Date): PageTime {
  return {
    iso: date.toISOString(),
    text: i18n.formatDate(date, {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'UTC',
      timeZoneName: 'short',
    }),
  };
}

// Letters and digits only: the message's formatting and escaping leave it as it is.
const TIME_MARK = `gltime${randomBytes(8).toString('hex')}`;

/**
 * A sentence with a time in it, as HTML for a template's <%- %>: the catalog message whole
 * ("You can come back … until {time} …"), its values escaped, and {time} a
 * <time datetime data-local-time> element that local-time.js shows in the viewer's zone.
 */
export function timeSentence(
  i18n: Translator,
  key: string,
  time: PageTime,
  values: MessageValues = {},
): string {
  const element = `<time datetime="${escapeXML(time.iso)}" data-local-time>${escapeXML(time.text)}</time>`;
  return i18n.html(key, { ...values, time: TIME_MARK }).replace(TIME_MARK, element);
}

/**
 * Where the language picker goes back to: the page itself, or for a form's post (leave, join
 * again) the room's page, which shows what that post showed.
 */
export function pickerReturnPath(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '/';
  if (req.method === 'GET') return path;
  return /^\/guest\/rooms\/[^/]+/.exec(path)?.[0] ?? path;
}
