import type { Browser, Page } from 'playwright-core';
import { invitedPerson, liveServiceOf, type InvitedPerson } from '../helpers/invitees';
import type { TestServer } from '../helpers/test-server';
import { createLogger } from '../../src/logger';
import { publishRoomChange } from '../../src/rooms/room-events';
import { launchBrowser, launchFromSandbox, newContext, startE2eServer } from './helpers/browser';
import { openInviteeRoom } from './helpers/invitations';
import { participantId } from './helpers/live';

const HOST = { userId: 'e2e-host', name: 'E2E Host' };

/**
 * An invited person's room page: their role, the "not started yet" notice that follows the
 * hosts and moderators on the stage, and what the page does when the invitation changes
 * (revoke and role change call LiveService.endVisitConnection, as the invitation service does).
 */
describe('an invited person’s room page', () => {
  let server: TestServer;
  let browser: Browser;
  let host: Page;
  let roomId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ fakeMedia: true })]);
    host = await launchFromSandbox(await (await newContext(browser, server)).newPage(), server, {
      placement: 'hist-210/office-hours',
    });
    await participantId(host);
    roomId = (await host.locator('main[data-room-id]').getAttribute('data-room-id'))!;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The invitee's browser, holding the pass their claim gave them, on their room page. */
  async function openAs(person: InvitedPerson): Promise<Page> {
    return (await openInviteeRoom(browser, server, roomId, person)).page;
  }

  it('shows the role, and “not started yet” only while no host or moderator is on the stage', async () => {
    const person = await invitedPerson(server, roomId, 'viewer', { name: 'Vera Viewer' });
    const page = await openAs(person);
    await page.locator('.who .role-badge', { hasText: 'Viewer' }).waitFor();
    const notice = page.locator('#session-start');
    await notice.waitFor({ state: 'hidden' });
    await host.locator('#leave-live').click();
    await notice.waitFor({ state: 'visible' });
    expect(await notice.textContent()).toContain('It starts when a moderator arrives.');
    // The host who left reads that they left, not that the session hasn't started.
    expect(await host.locator('#stage-status-text').textContent()).toBe('You left the live session.');
    expect(await host.locator('#stage-empty-text').isHidden()).toBe(true);
    await host.locator('#stage-rejoin').click();
    await notice.waitFor({ state: 'hidden' });
    await host.locator('#stage-empty-text').waitFor({ state: 'visible' });
  });

  it('reloads with the new role’s rights on a role change, and says the invitation was withdrawn on revoke', async () => {
    const person = await invitedPerson(server, roomId, 'speaker', { name: 'Sid Speaker' });
    const page = await openAs(person);
    await page.locator('#presenter-controls').waitFor({ state: 'visible' });

    await server.runtime.storage.invitations.setRole(roomId, person.invitationId, 'viewer', HOST);
    const before = await participantId(page);
    await liveServiceOf(server).endVisitConnection(roomId, person.visitId, 'role-changed');
    await page.locator('.who .role-badge', { hasText: 'Viewer' }).waitFor();
    await page.waitForFunction(
      (old) =>
        (
          window as unknown as { Guestlink: { live: { current?: { self(): { id: string } | null } } } }
        ).Guestlink.live.current?.self()?.id !== old,
      before,
    );
    await participantId(page);
    expect(await page.locator('#presenter-controls').isHidden()).toBe(true);

    await server.runtime.storage.invitations.revoke(roomId, person.invitationId, HOST);
    const started = Date.now();
    await liveServiceOf(server).endVisitConnection(roomId, person.visitId, 'revoked');
    await page
      .locator('#stage-notice', { hasText: 'Your invitation was withdrawn.' })
      .waitFor({ timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await page.locator('#stage-rejoin').isHidden()).toBe(true);
    // Then the page that explains it, with none of the room's controls left.
    await page.getByRole('heading', { name: 'Your invitation was withdrawn' }).waitFor({ timeout: 5000 });
    expect(await page.locator('#presenter-controls, #lobby-panel').count()).toBe(0);
  });

  it('gives an invited moderator the Lobby panel: a waiting invitee shows their role and is admitted from it', async () => {
    const moderator = await openAs(
      await invitedPerson(server, roomId, 'moderator', { name: 'Mia Moderator' }),
    );
    await moderator.locator('#lobby-panel').waitFor();
    await server.runtime.storage.guests.setLobbyEnabled(roomId, true, HOST);
    await server.runtime.storage.invitations.setInviteesWait(roomId, true, HOST);
    const waiting = await invitedPerson(server, roomId, 'speaker', { name: 'Wes Waiting', waiting: true });
    // What the invitee's confirmation route does after the claim: tell the room's lobby panels.
    publishRoomChange(server.runtime.storage.lobbyEvents, createLogger('silent'), roomId, [waiting.visitId]);
    await moderator.locator('#lobby-list', { hasText: 'Invited · Speaker' }).waitFor();
    await moderator.getByRole('button', { name: 'Admit Wes Waiting' }).click();
    await moderator.locator('#lobby-list', { hasText: 'Wes Waiting' }).waitFor({ state: 'detached' });
    const visit = await server.runtime.storage.guests.findVisit(waiting.visitId);
    expect(visit?.visit.status).toBe('admitted');
    await server.runtime.storage.invitations.setInviteesWait(roomId, false, HOST);
  });
});
