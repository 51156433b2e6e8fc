import { SQL_BACKENDS } from '../../helpers/databases';
import { joinAs, roomWithLink, type GuestLink } from '../../helpers/guests';
import { admittedGuest, connectGuest, connectLaunched, type LiveClient } from '../../helpers/live';
import { hiddenField } from '../../helpers/lti-launch';
import { GENEROUS_GUEST_LIMITS } from '../../helpers/constants';
import { startTestServer, type TestServer } from '../../helpers/test-server';

interface WireEntry {
  name: string;
  status: string;
  outcome: string;
  story: Array<{ text: string } | { time: string }>;
  joinedAt: string;
  admittedAt: string | null;
  admittedBy: string | null;
  leftAt: string | null;
  goneAt: string | null;
  removedAt: string | null;
  sentToLobbyAt: string | null;
  duration: string;
  durationSeconds: number | null;
  decidedBy: string | null;
}

/** "14:38" as the CSV and the JSON's outcome write it: UTC hours and minutes. */
const utc = (iso: string | null) => iso!.slice(11, 16);

describe.each(SQL_BACKENDS)('the guest log on %s', (backend) => {
  let server: TestServer;
  const open: LiveClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ backend, env: GENEROUS_GUEST_LIMITS });
  });

  afterAll(async () => {
    open.forEach((client) => client.close());
    await server.close();
  });

  it('tells each visit in plain words, with joined, admitted, left and duration, as JSON and CSV', async () => {
    const { link, api, host } = await roomWithLink(server, { name: 'Seminar guests' });
    const roomId = host.roomId;
    const moderator = await connectLaunched(server, host);
    open.push(moderator);
    const waitingId = async (name: string) =>
      ((await api.get('/lobby').expect(200)).body.waiting as Array<{ id: string; name: string }>).find(
        (guest) => guest.name === name,
      )!.id;
    const admit = async (name: string) => {
      await api.post(`/lobby/${await waitingId(name)}/admit`).expect(200);
    };
    const inRoom = async (name: string, through: GuestLink = link) => {
      const guest = await admittedGuest(server, through, roomId, admit, name);
      const client = await connectGuest(server, guest);
      open.push(client);
      return { guest, client };
    };
    const leave = async (agent: Awaited<ReturnType<typeof joinAs>>['agent'], page: string) => {
      const csrf = hiddenField((await agent.get(page)).text, '_csrf');
      await agent.post(`/guest/rooms/${roomId}/leave`).type('form').send({ _csrf: csrf }).expect(200);
    };

    // Admitted by the instructor, then pressed Leave.
    const ann = await inRoom('Ann Leaves');
    await leave(ann.guest.agent, `/guest/rooms/${roomId}`);
    // Left the waiting page before anyone let them in.
    const lea = await joinAs(server, link.path, { name: 'Lea Lobby', email: 'lea@example.org' });
    await leave(lea.agent, `/guest/rooms/${roomId}/waiting`);
    // Denied.
    await joinAs(server, link.path, { name: 'Dan Denied', email: 'dan@example.org' });
    await api.post(`/lobby/${await waitingId('Dan Denied')}/deny`).expect(200);
    // Removed from the live session.
    const rex = await inRoom('Rex Removed');
    await moderator.post(`/participants/${rex.client.id}/remove`, { participant: moderator.id }).expect(204);
    // Waiting when the lobby was turned off; then one let straight in, who leaves.
    await joinAs(server, link.path, { name: 'Walt Waiting', email: 'walt@example.org' });
    await api.put('/lobby', { enabled: false }).expect(200);
    const noel = await inRoom('Noel Nolobby');
    await leave(noel.guest.agent, `/guest/rooms/${roomId}`);
    await api.put('/lobby', { enabled: true }).expect(200);
    // Sent back to the lobby, and waiting again.
    const sam = await inRoom('Sam Sent');
    await moderator.post(`/participants/${sam.client.id}/lobby`, { participant: moderator.id }).expect(204);
    // Waiting on a link that is then deleted.
    const other = await api.post('/guest-links', { name: 'Second link' }).expect(201);
    await joinAs(server, new URL(other.body.url).pathname, {
      name: 'Tess Turned',
      email: 'tess@example.org',
    });
    await api.delete(`/guest-links/${other.body.id}`).expect(204);

    const entries = (await api.get('/guest-log').expect(200)).body.entries as WireEntry[];
    const of = (name: string) => entries.find((entry) => entry.name === name)!;

    const annEntry = of('Ann Leaves');
    expect(annEntry).toMatchObject({ status: 'left', admittedBy: 'Ada Lovelace', decidedBy: 'Ada Lovelace' });
    expect(annEntry.outcome).toBe(`Admitted by Ada Lovelace · left ${utc(annEntry.leftAt)}`);
    expect(annEntry.outcome).not.toMatch(/left by/i);
    expect(annEntry.story).toEqual([{ text: 'Admitted by Ada Lovelace · left ' }, { time: annEntry.leftAt }]);
    expect(annEntry.goneAt).toBe(annEntry.leftAt);
    expect(Date.parse(annEntry.admittedAt!)).toBeGreaterThanOrEqual(Date.parse(annEntry.joinedAt));
    expect(annEntry.durationSeconds).toBe(
      Math.floor((Date.parse(annEntry.leftAt!) - Date.parse(annEntry.admittedAt!)) / 1000),
    );
    expect(annEntry.duration).toBe('Under 1 min');

    expect(of('Lea Lobby')).toMatchObject({
      status: 'left',
      outcome: 'Left the lobby before being admitted',
      admittedAt: null,
      admittedBy: null,
      duration: '',
      durationSeconds: null,
    });
    expect(of('Lea Lobby').goneAt).toBe(of('Lea Lobby').leftAt);
    expect(of('Dan Denied')).toMatchObject({
      status: 'denied',
      outcome: 'Denied by Ada Lovelace',
      admittedAt: null,
      duration: '',
    });
    const rexEntry = of('Rex Removed');
    expect(rexEntry).toMatchObject({
      status: 'removed',
      admittedBy: 'Ada Lovelace',
      duration: 'Under 1 min',
    });
    expect(rexEntry.outcome).toBe(`Removed by Ada Lovelace at ${utc(rexEntry.removedAt)}`);
    expect(rexEntry.goneAt).toBe(rexEntry.removedAt);
    const samEntry = of('Sam Sent');
    expect(samEntry).toMatchObject({ status: 'waiting', admittedAt: null, duration: '' });
    expect(samEntry.outcome).toBe(
      `Sent back to the lobby by Ada Lovelace at ${utc(samEntry.sentToLobbyAt)} · waiting`,
    );
    expect(of('Walt Waiting')).toMatchObject({
      status: 'admitted',
      outcome: 'Admitted (lobby turned off)',
      admittedBy: 'Lobby turned off by Ada Lovelace',
      duration: 'Ongoing',
      durationSeconds: null,
    });
    const noelEntry = of('Noel Nolobby');
    expect(noelEntry).toMatchObject({
      status: 'left',
      admittedBy: 'No lobby',
      admittedAt: noelEntry.joinedAt,
    });
    expect(noelEntry.outcome).toBe(`Admitted (no lobby) · left ${utc(noelEntry.leftAt)}`);
    expect(of('Tess Turned')).toMatchObject({ status: 'denied', outcome: 'Turned away: link deleted' });

    const csv = await api.get('/guest-log?format=csv').expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(
      'Name,Email,Link or invitation,Joined (UTC),What happened (times in UTC),Admitted (UTC),Admitted by,Left (UTC),Duration,' +
        'Decided by,Decided (UTC),Removed by,Removed (UTC)',
    );
    expect(lines).toContain(
      [
        'Ann Leaves',
        'AnnLeaves@example.org',
        'Seminar guests',
        annEntry.joinedAt,
        annEntry.outcome,
        annEntry.admittedAt,
        'Ada Lovelace',
        annEntry.leftAt,
        'Under 1 min',
        'Ada Lovelace',
        annEntry.admittedAt,
        '',
        '',
      ].join(','),
    );
    expect(lines).toContain(
      [
        'Rex Removed',
        'RexRemoved@example.org',
        'Seminar guests',
        rexEntry.joinedAt,
        rexEntry.outcome,
        rexEntry.admittedAt,
        'Ada Lovelace',
        rexEntry.removedAt,
        'Under 1 min',
        'Ada Lovelace',
        rexEntry.admittedAt,
        'Ada Lovelace',
        rexEntry.removedAt,
      ].join(','),
    );
    expect(lines.filter((line) => line.startsWith('Lea Lobby,'))).toEqual([
      expect.stringContaining(',Left the lobby before being admitted,,,'),
    ]);
  });
});
