import type { Request } from 'express';
import { translator } from '../../../src/i18n/translator';
import { pageTime, pickerReturnPath, timeSentence } from '../../../src/guests/guest-page-text';

describe('times inside a guest page’s sentences', () => {
  const at = new Date('2026-03-05T17:40:00Z');

  it('write the server’s fallback time in the reader’s language, in UTC', () => {
    expect(pageTime(translator('en'), at)).toEqual({ iso: '2026-03-05T17:40:00.000Z', text: '17:40 UTC' });
    expect(pageTime(translator('de'), at).text).toBe('17:40 UTC');
  });

  it('put a <time> element for local-time.js inside the whole translated sentence', () => {
    expect(timeSentence(translator('de'), 'guest:leave.text', pageTime(translator('de'), at))).toBe(
      'Wenn Sie nach <time datetime="2026-03-05T17:40:00.000Z" data-local-time>17:40 UTC</time> zurückkehren, verbraucht das einen der Klicks dieses Links.',
    );
    expect(timeSentence(translator('en'), 'guest:room.startsAt', { iso: '"><x>', text: '<b>' })).toBe(
      'The session starts at <time datetime="&#34;&gt;&lt;x&gt;" data-local-time>&lt;b&gt;</time>.',
    );
  });
});

describe('where the language picker goes back to', () => {
  const req = (method: string, originalUrl: string) => ({ method, originalUrl }) as Request;

  it('is the page itself, or for a posted form the room’s page', () => {
    expect(pickerReturnPath(req('GET', '/g/abc?x=1'))).toBe('/g/abc');
    expect(pickerReturnPath(req('GET', '/guest/rooms/r1/waiting'))).toBe('/guest/rooms/r1/waiting');
    expect(pickerReturnPath(req('POST', '/guest/rooms/r1/leave'))).toBe('/guest/rooms/r1');
    expect(pickerReturnPath(req('POST', '/g/abc'))).toBe('/g/abc');
  });
});
