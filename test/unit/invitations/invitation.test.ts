import {
  INVITEE_NAME_MAX,
  invitationStatus,
  MAX_PEOPLE_PER_REQUEST,
  nameFromEmail,
  readPeople as readPeopleText,
  timeProblem as timeProblemText,
  timesProblem as timesProblemText,
} from '../../../src/invitations/invitation';
import { inEnglish } from '../../../src/i18n/translator';

/** The refusals as catalog messages, read here in English (the window's other languages: test/integration/i18n). */
function readPeople(input: Parameters<typeof readPeopleText>[0]) {
  const result = readPeopleText(input);
  return result.ok ? result : { ok: false, message: inEnglish(result.message) };
}

function timeProblem(...args: Parameters<typeof timeProblemText>): string | null {
  const problem = timeProblemText(...args);
  return problem && inEnglish(problem);
}

function timesProblem(...args: Parameters<typeof timesProblemText>) {
  const problem = timesProblemText(...args);
  return problem && { field: problem.field, message: inEnglish(problem.message) };
}

const NOW = new Date('2026-11-30T12:00:00Z');
const HOUR = 3_600_000;

describe('readPeople: the pasted list of the Invite users window', () => {
  it('reads the forms people paste from mail clients and spreadsheets', () => {
    const result = readPeople(
      [
        'Ada Lovelace <ada@example.org>',
        '"Hopper, Grace" <grace@example.org>',
        'Alan Turing, alan@example.org',
        'Katherine Johnson\tkatherine@example.org',
        '',
        '   ',
        'edsger.dijkstra@example.org',
      ].join('\r\n'),
    );
    expect(result).toEqual({
      ok: true,
      people: [
        { name: 'Ada Lovelace', email: 'ada@example.org' },
        { name: 'Hopper, Grace', email: 'grace@example.org' },
        { name: 'Alan Turing', email: 'alan@example.org' },
        { name: 'Katherine Johnson', email: 'katherine@example.org' },
        // No name given: the address's local part stands in, never an empty name.
        { name: 'edsger.dijkstra', email: 'edsger.dijkstra@example.org' },
      ],
    });
  });

  it('cuts a stand-in name from a long address to the longest name allowed', () => {
    const local = 'a'.repeat(100);
    expect(readPeople(`${local}@example.org`)).toEqual({
      ok: true,
      people: [{ name: 'a'.repeat(INVITEE_NAME_MAX), email: `${local}@example.org` }],
    });
    // Never inside a character: an emoji (two UTF-16 units) that would end past the limit is left out.
    expect(nameFromEmail(`${'b'.repeat(INVITEE_NAME_MAX - 1)}😀c@example.org`)).toBe(
      'b'.repeat(INVITEE_NAME_MAX - 1),
    );
    expect(nameFromEmail(`${'b'.repeat(INVITEE_NAME_MAX - 2)}😀c@example.org`)).toBe(
      `${'b'.repeat(INVITEE_NAME_MAX - 2)}😀`,
    );
  });

  it('refuses an empty list', () => {
    expect(readPeople('\n \n')).toEqual({ ok: false, message: 'Enter at least one name and email address.' });
    expect(readPeople([])).toMatchObject({ ok: false });
  });

  it(`refuses more than ${MAX_PEOPLE_PER_REQUEST} people at a time, saying how many the list has`, () => {
    const lines = Array.from({ length: 5000 }, (_unused, index) => `p${index}@example.org`).join('\n');
    expect(readPeople(lines)).toEqual({
      ok: false,
      message: `Invite at most ${MAX_PEOPLE_PER_REQUEST} people at a time (this list has 5,000).`,
    });
    expect(readPeople(lines.split('\n').slice(0, MAX_PEOPLE_PER_REQUEST).join('\n')).ok).toBe(true);
  });

  it('names the line of an address already on the list, whatever its letter case', () => {
    expect(readPeople('Ada <ada@example.org>\nBob <bob@example.org>\nADA@Example.org')).toEqual({
      ok: false,
      message: 'Line 3: ADA@Example.org is already on line 1 of this list.',
    });
  });

  it('names the line of a malformed address', () => {
    expect(readPeople('Ada <ada@example.org>\nBob <not an address>')).toEqual({
      ok: false,
      message: 'Line 2: Enter email addresses like name@example.com.',
    });
  });

  it('refuses line breaks and control characters inside a row’s address or name (header injection)', () => {
    expect(readPeople([{ name: 'X', email: 'a@b\r\nBcc: x@example.org' }])).toEqual({
      ok: false,
      message: 'Person 1: Email addresses cannot contain line breaks.',
    });
    expect(readPeople([{ name: 'Eve\r\nBcc: x@example.org', email: 'eve@example.org' }])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Person 1: .*line breaks/) as unknown as string,
    });
  });
});

describe('invitation status and limits', () => {
  const base = { revokedAt: null, expiresAt: null, claimedAt: null };

  it('is not opened, joined, expired or revoked, revoked first', () => {
    expect(invitationStatus(base, NOW)).toBe('not-opened');
    expect(invitationStatus({ ...base, claimedAt: NOW }, NOW)).toBe('joined');
    expect(invitationStatus({ ...base, claimedAt: NOW, expiresAt: NOW }, NOW)).toBe('expired');
    expect(invitationStatus({ ...base, expiresAt: NOW, revokedAt: NOW }, NOW)).toBe('revoked');
  });

  it('wants an expiry in the future and both times within a year', () => {
    expect(timeProblem('expiresAt', new Date(NOW.getTime() - HOUR), NOW)).toBe(
      'Expires must be in the future.',
    );
    expect(timeProblem('expiresAt', new Date(NOW.getTime() + HOUR), NOW)).toBeNull();
    expect(timeProblem('startsAt', new Date(NOW.getTime() - HOUR), NOW)).toBeNull();
    expect(timeProblem('startsAt', new Date(NOW.getTime() + 366 * 24 * HOUR), NOW)).toBe(
      'Starts must be within 365 days from now.',
    );
    expect(timeProblem('expiresAt', null, NOW)).toBeNull();
  });
});

describe('start and expiry together', () => {
  const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR);

  it('wants the session to start before the invitation expires, naming startsAt', () => {
    const refusal = {
      field: 'startsAt',
      message: 'The session must start before the invitation expires.',
    };
    expect(timesProblem({ startsAt: at(3), expiresAt: at(2) }, NOW)).toEqual(refusal);
    expect(timesProblem({ startsAt: at(2), expiresAt: at(2) }, NOW)).toEqual(refusal);
    expect(timesProblem({ startsAt: at(1), expiresAt: at(2) }, NOW)).toBeNull();
    expect(timesProblem({ startsAt: at(1), expiresAt: null }, NOW)).toBeNull();
    expect(timesProblem({ startsAt: null, expiresAt: at(2) }, NOW)).toBeNull();
  });

  it('accepts a start in the past (a session already under way), and reports each time first', () => {
    expect(timesProblem({ startsAt: at(-1), expiresAt: at(2) }, NOW)).toBeNull();
    expect(timesProblem({ startsAt: at(3), expiresAt: at(-1) }, NOW)).toEqual({
      field: 'expiresAt',
      message: 'Expires must be in the future.',
    });
  });
});
