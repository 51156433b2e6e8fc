import type { GuestLogEntry } from '../../../src/guests/guest.store';
import { at, guestLogVisit } from '../../helpers/guest-log-entries';
import {
  admittedAt,
  admittedBy,
  cameThrough,
  durationSeconds,
  durationText,
  goneAt,
  guestLogWire,
  outcomeText,
  story,
} from '../../../src/lobby/guest-log';
import { GUEST_LOG_CSV_HEADER, guestLogCsv } from '../../../src/lobby/guest-log-csv';

const visit = guestLogVisit;
const byAda = {
  outcomeReason: 'moderator',
  decidedAt: at('14:02:00'),
  decidedByName: 'Ada Lovelace',
} as const;
const noLobby = { outcomeReason: null, decidedAt: at('14:00:00'), decidedByName: null } as const;
const lobbyOff = {
  outcomeReason: 'lobby-off',
  decidedAt: at('14:05:00'),
  decidedByName: 'Ada Lovelace',
} as const;
const sentBack = { sentToLobbyAt: at('14:20:00'), sentToLobbyByName: 'Bo Byron' } as const;

describe('the guest log in plain words', () => {
  it.each<[string, Partial<GuestLogEntry>, string]>([
    ['a waiting guest', {}, 'Waiting'],
    ['a guest admitted by a moderator', { status: 'admitted', ...byAda }, 'Admitted by Ada Lovelace'],
    [
      'a guest admitted by a nameless moderator',
      { status: 'admitted', ...byAda, decidedByName: null },
      'Admitted',
    ],
    ['a guest let straight in', { status: 'admitted', ...noLobby }, 'Admitted (no lobby)'],
    [
      'a guest let in by the lobby going off',
      { status: 'admitted', ...lobbyOff },
      'Admitted (lobby turned off)',
    ],
    [
      'an admitted guest who pressed Leave',
      { status: 'left', ...byAda, leftAt: at('14:38:00') },
      'Admitted by Ada Lovelace · left 14:38',
    ],
    [
      'a guest let straight in who left',
      { status: 'left', ...noLobby, leftAt: at('14:38:00') },
      'Admitted (no lobby) · left 14:38',
    ],
    [
      'a guest let in by the lobby going off who left',
      { status: 'left', ...lobbyOff, leftAt: at('14:38:00') },
      'Admitted (lobby turned off) · left 14:38',
    ],
    [
      'a guest who left the lobby',
      { status: 'left', leftAt: at('14:03:00') },
      'Left the lobby before being admitted',
    ],
    ['a guest denied by a moderator', { status: 'denied', ...byAda }, 'Denied by Ada Lovelace'],
    [
      'a guest waiting when guest access went off',
      {
        status: 'denied',
        outcomeReason: 'guest-access-off',
        decidedAt: at('14:09:00'),
        decidedByName: 'Ada Lovelace',
      },
      'Turned away: guest access turned off',
    ],
    [
      'a guest waiting when their link was deleted',
      {
        status: 'denied',
        outcomeReason: 'link-deleted',
        decidedAt: at('14:09:00'),
        decidedByName: 'Ada Lovelace',
      },
      'Turned away: link deleted',
    ],
    [
      'a removed guest',
      { status: 'removed', ...byAda, removedAt: at('14:40:00'), removedByName: 'Ada Lovelace' },
      'Removed by Ada Lovelace at 14:40',
    ],
    [
      'a guest sent back to the lobby',
      { status: 'waiting', ...sentBack },
      'Sent back to the lobby by Bo Byron at 14:20 · waiting',
    ],
    [
      'a guest sent back and admitted again',
      { status: 'admitted', ...sentBack, ...byAda, decidedAt: at('14:25:00') },
      'Sent back to the lobby by Bo Byron at 14:20 · admitted by Ada Lovelace',
    ],
    [
      'a guest sent back who then left the lobby',
      { status: 'left', ...sentBack, leftAt: at('14:22:00') },
      'Sent back to the lobby by Bo Byron at 14:20 · left the lobby before being admitted',
    ],
    [
      'a guest sent back and denied',
      { status: 'denied', ...sentBack, ...byAda, decidedAt: at('14:25:00') },
      'Sent back to the lobby by Bo Byron at 14:20 · denied by Ada Lovelace',
    ],
    [
      'a guest who left on another day',
      { status: 'left', ...byAda, leftAt: new Date('2026-05-02T00:10:00Z') },
      'Admitted by Ada Lovelace · left 2026-05-02 00:10',
    ],
  ])('tells %s', (_, change, words) => {
    expect(outcomeText(visit(change))).toBe(words);
  });

  it('never says a moderator made a guest leave', () => {
    for (const change of [
      { status: 'left', ...byAda, leftAt: at('14:38:00') },
      { status: 'left', leftAt: at('14:03:00') },
    ] as const) {
      expect(outcomeText(visit(change))).not.toMatch(/left by/i);
    }
  });

  it('keeps times apart from words, for the page to show in the viewer’s time zone', () => {
    expect(story(visit({ status: 'left', ...byAda, leftAt: at('14:38:00') }))).toEqual([
      { text: 'Admitted by Ada Lovelace · left ' },
      { time: at('14:38:00') },
    ]);
    expect(
      guestLogWire(visit({ status: 'removed', ...byAda, removedAt: at('14:40:00'), removedByName: 'Bo' }))
        .story,
    ).toEqual([{ text: 'Removed by Bo at ' }, { time: '2026-05-01T14:40:00.000Z' }]);
  });
});

describe('the guest log’s columns', () => {
  it('knows when and how a guest got in', () => {
    expect(admittedAt(visit({ status: 'left', ...byAda, leftAt: at('14:38:00') }))).toEqual(at('14:02:00'));
    expect(admittedBy(visit({ status: 'left', ...byAda, leftAt: at('14:38:00') }))).toBe('Ada Lovelace');
    expect(admittedBy(visit({ status: 'admitted', ...noLobby }))).toBe('No lobby');
    expect(admittedBy(visit({ status: 'admitted', ...lobbyOff }))).toBe('Lobby turned off by Ada Lovelace');
    // A denial is a decision too, but not an admission.
    expect(admittedAt(visit({ status: 'denied', ...byAda }))).toBeNull();
    expect(admittedBy(visit({ status: 'denied', ...byAda }))).toBeNull();
    expect(admittedAt(visit({ status: 'left', leftAt: at('14:03:00') }))).toBeNull();
  });

  it.each<[string, Partial<GuestLogEntry>, string, number | null]>([
    ['nothing while waiting', {}, '', null],
    ['nothing for a denied guest', { status: 'denied', ...byAda }, '', null],
    ['nothing for a guest who left the lobby', { status: 'left', leftAt: at('14:03:00') }, '', null],
    ['ongoing while admitted', { status: 'admitted', ...byAda }, 'Ongoing', null],
    ['admitted → left', { status: 'left', ...byAda, leftAt: at('14:38:30') }, '36 min', 36 * 60 + 30],
    [
      'admitted → removed',
      { status: 'removed', ...byAda, removedAt: at('15:02:00'), removedByName: 'Ada' },
      '1 h',
      3600,
    ],
    [
      'admitted → left, not the later removal',
      {
        status: 'removed',
        ...byAda,
        leftAt: at('15:07:00'),
        removedAt: at('15:30:00'),
        removedByName: 'Ada',
      },
      '1 h 5 min',
      65 * 60,
    ],
    ['under a minute', { status: 'left', ...noLobby, leftAt: at('14:00:59') }, 'Under 1 min', 59],
  ])('gives a duration: %s', (_, change, text, seconds) => {
    expect(durationText(visit(change))).toBe(text);
    expect(durationSeconds(visit(change))).toBe(seconds);
  });

  it('says when a guest went: left or removed, whichever came first', () => {
    expect(goneAt(visit({ status: 'left', leftAt: at('14:03:00') }))).toEqual(at('14:03:00'));
    expect(goneAt(visit({ status: 'removed', ...byAda, removedAt: at('14:40:00') }))).toEqual(at('14:40:00'));
    expect(goneAt(visit({ status: 'admitted', ...byAda }))).toBeNull();
  });
});

describe('how an invited person came', () => {
  it('reads "Invitation · <current role>" where a guest shows the link’s name, on the page and in the CSV', () => {
    const invited = visit({ linkName: '', role: 'speaker', name: 'Sam' });
    expect(cameThrough(invited)).toBe('Invitation · Speaker');
    expect(cameThrough(visit({}))).toBe('Guests');
    expect(guestLogWire(invited)).toMatchObject({ role: 'speaker', via: 'Invitation · Speaker' });
    expect(guestLogWire(visit({}))).toMatchObject({ role: null, via: 'Guests' });
    expect(guestLogCsv([invited]).split('\r\n')[1]).toMatch(/^Sam,grace@example\.org,Invitation · Speaker,/);
  });
});

describe('the guest log’s CSV', () => {
  it('has joined, admitted, left and duration columns, all times in UTC', () => {
    const csv = guestLogCsv([
      visit({ status: 'left', ...byAda, leftAt: at('14:38:00') }),
      visit({ status: 'denied', ...byAda, name: 'Dan' }),
    ]);
    const [header, left, denied, end] = csv.split('\r\n');
    expect(header).toBe(GUEST_LOG_CSV_HEADER.join(','));
    expect(header).toBe(
      'Name,Email,Link or invitation,Joined (UTC),What happened (times in UTC),Admitted (UTC),Admitted by,Left (UTC),Duration,' +
        'Decided by,Decided (UTC),Removed by,Removed (UTC)',
    );
    expect(left).toBe(
      'Grace,grace@example.org,Guests,2026-05-01T14:00:00.000Z,Admitted by Ada Lovelace · left 14:38,' +
        '2026-05-01T14:02:00.000Z,Ada Lovelace,2026-05-01T14:38:00.000Z,36 min,' +
        'Ada Lovelace,2026-05-01T14:02:00.000Z,,',
    );
    expect(denied).toBe(
      'Dan,grace@example.org,Guests,2026-05-01T14:00:00.000Z,Denied by Ada Lovelace,,,,,' +
        'Ada Lovelace,2026-05-01T14:02:00.000Z,,',
    );
    expect(end).toBe('');
  });

  it('quotes cells and defuses what a spreadsheet would run as a formula', () => {
    const csv = guestLogCsv([
      visit({
        name: '=HYPERLINK("http://evil")',
        email: 'a,b@example.org',
        linkName: 'Guests "VIP"',
        status: 'denied',
        outcomeReason: 'moderator',
        decidedByName: '+Mallory\r\nX',
        decidedAt: at('14:02:00'),
      }),
    ]);
    expect(csv).toContain(
      `"'=HYPERLINK(""http://evil"")","a,b@example.org","Guests ""VIP""",2026-05-01T14:00:00.000Z,`,
    );
    // A line break stays inside its quoted cell; a leading + is defused.
    expect(csv).toContain(`,"Denied by +Mallory\r\nX",,,,,"'+Mallory\r\nX",2026-05-01T14:02:00.000Z,,\r\n`);
  });
});

describe('an invited person in the guest log', () => {
  const invitee = (change: Partial<GuestLogEntry>) => visit({ linkName: '', role: 'speaker', ...change });

  it('says an invitee came straight in, and that a revoked invitation removed them', () => {
    const straightIn = { status: 'admitted' as const, decidedAt: at('14:00:00') };
    expect(cameThrough(invitee({}))).toBe('Invitation · Speaker');
    expect(outcomeText(invitee(straightIn))).toBe('Admitted (invited)');
    expect(admittedBy(invitee(straightIn))).toBe('Invitation');
    expect(
      outcomeText(
        invitee({
          ...straightIn,
          status: 'removed',
          outcomeReason: 'invitation-revoked',
          removedAt: at('14:30:00'),
          removedByName: 'Ada',
        }),
      ),
    ).toBe('Removed: invitation revoked by Ada at 14:30');
  });
});
