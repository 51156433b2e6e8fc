import type { GuestLogEntry } from '../../../src/guests/guest.store';
import { at, guestLogVisit } from '../../helpers/guest-log-entries';
import { translator } from '../../../src/i18n/translator';
import { guestLogCsv, guestLogCsvHeader } from '../../../src/lobby/guest-log-csv';
import { durationText, guestLogWireFor, outcomeText, story } from '../../../src/lobby/guest-log';

const visit = (change: Partial<GuestLogEntry>): GuestLogEntry =>
  guestLogVisit({ linkName: 'Invitados', ...change });
const byAda = { outcomeReason: 'moderator', decidedAt: at('14:02:00'), decidedByName: 'Ada' } as const;

const es = translator('es');
const de = translator('de');
const ar = translator('ar');

describe('the guest log in the reader’s language', () => {
  it('tells the story in Spanish, the time where Spanish puts it, the first word capitalised', () => {
    const left = visit({ status: 'left', ...byAda, leftAt: at('14:38:00') });
    expect(outcomeText(left, es)).toBe('Admitido por Ada · salió a las 14:38');
    expect(story(left, es)).toEqual([{ text: 'Admitido por Ada · salió a las ' }, { time: at('14:38:00') }]);
    const sentBack = visit({ sentToLobbyAt: at('14:20:00'), sentToLobbyByName: 'Bo' });
    expect(outcomeText(sentBack, es)).toBe('Devuelto a la sala de espera por Bo a las 14:20 · esperando');
  });

  it('puts the time in the middle of a German phrase, with words after it', () => {
    const removed = visit({ status: 'removed', removedAt: at('15:10:00'), removedByName: 'Ada' });
    expect(story(removed, de)).toEqual([
      { text: 'Von Ada um ' },
      { time: at('15:10:00') },
      { text: ' entfernt' },
    ]);
  });

  it('says durations per language', () => {
    const stayed = (minutes: number) =>
      visit({
        status: 'left',
        ...byAda,
        leftAt: new Date(byAda.decidedAt.getTime() + minutes * 60_000),
      });
    expect(durationText(stayed(65), de)).toBe('1 Std. 5 Min.');
    expect(durationText(stayed(0), es)).toBe('Menos de 1 min');
    expect(durationText(visit({ status: 'admitted', ...byAda }), ar)).toBe('جارية');
  });

  it('names an invited person’s role in the reader’s words', () => {
    const invited = visit({
      role: 'speaker',
      status: 'admitted',
      outcomeReason: null,
      decidedAt: at('14:01:00'),
    });
    expect(guestLogWireFor(es)(invited)).toMatchObject({
      via: 'Invitación · Ponente',
      admittedBy: 'Invitación',
      outcome: 'Admitido (invitado)',
    });
    expect(guestLogWireFor(de)(invited).via).toBe('Einladung · Referent');
  });

  it('writes the CSV’s header and wording in the exporting user’s language', () => {
    const csv = guestLogCsv([visit({ status: 'denied', ...byAda, name: 'Dan' })], es);
    const [header, denied] = csv.split('\r\n');
    expect(header).toBe(guestLogCsvHeader(es).join(','));
    expect(header).toBe(
      'Nombre,Correo electrónico,Enlace o invitación,Llegada (UTC),Qué ocurrió (horas en UTC),Admisión (UTC),' +
        'Admitido por,Salida (UTC),Duración,Decidido por,Decisión (UTC),Retirado por,Retirada (UTC)',
    );
    expect(denied).toBe(
      'Dan,grace@example.org,Invitados,2026-05-01T14:00:00.000Z,Rechazado por Ada,,,,,Ada,2026-05-01T14:02:00.000Z,,',
    );
    expect(guestLogCsvHeader(ar)[0]).toBe('الاسم');
  });
});

describe('Arabic plural forms in the Manage guest access window', () => {
  it('names 0, 1, 2, 3–10, 11–99 and 100 links each in its own form', () => {
    const count = (n: number) => ar.t('guestAccess:js.count', { count: n });
    expect([0, 1, 2, 3, 11, 100].map(count)).toEqual([
      'لم تتم إضافة أي روابط',
      'رابط واحد',
      'رابطان',
      `${ar.formatNumber(3)} روابط`,
      `${ar.formatNumber(11)} رابطًا`,
      `${ar.formatNumber(100)} رابط`,
    ]);
  });

  it('and in English: "No links added", "1 link", "2 links"', () => {
    expect([0, 1, 2].map((n) => translator('en').t('guestAccess:js.count', { count: n }))).toEqual([
      'No links added',
      '1 link',
      '2 links',
    ]);
  });
});
