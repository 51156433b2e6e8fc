import type { Browser } from 'playwright-core';
import { invitedPerson, liveServiceOf } from '../helpers/invitees';
import { sandboxLaunch } from '../helpers/lti-launch';
import type { TestServer } from '../helpers/test-server';
import { launchBrowser, startE2eServer } from './helpers/browser';
import { openInviteeRoom } from './helpers/invitations';
import { participantId } from './helpers/live';

/**
 * An invitation that expires while its invitee is in the room: their page stays as it is (they
 * keep watching), but the next time it has to connect again it cannot, and says why.
 */
describe('an invited moderator whose invitation expires while in the room', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ fakeMedia: true })]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('stays on the stage until the page must connect again, then shows that the invitation has expired', async () => {
    const { roomId } = await sandboxLaunch(server, { placement: 'hist-210/office-hours' });
    const person = await invitedPerson(server, roomId, 'moderator', { name: 'Eve Expiring' });
    const { page, id } = await openInviteeRoom(browser, server, roomId, person);
    await page.locator('#lobby-panel').waitFor();

    await server.sql.query("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1", [
      person.invitationId,
    ]);
    await page.waitForTimeout(500);
    expect(await participantId(page)).toBe(id);

    // Anything that makes the page connect again (here a role change's reload) ends it.
    await liveServiceOf(server).endVisitConnection(roomId, person.visitId, 'role-changed');
    await page.getByRole('heading', { name: 'This invitation has expired' }).waitFor({ timeout: 5000 });
    expect(await page.locator('#lobby-panel, #presenter-controls').count()).toBe(0);
    // It stays there: no reload loop back into the room.
    await page.waitForTimeout(1000);
    expect(page.url()).toBe(`${server.url}/guest/rooms/${roomId}`);
    expect(await page.getByRole('heading', { name: 'This invitation has expired' }).count()).toBe(1);
  });
});
