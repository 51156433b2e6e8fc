import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Response } from 'express';
import request from 'supertest';
import { GuestSessions } from '../../src/guests/guest-session';
import { emailKey } from '../../src/invitations/invitation';
import { LiveService } from '../../src/live/live.service';
import { createLogger } from '../../src/logger';
import type { InviteRole } from '../../src/rooms/room-role';
import { hiddenField } from './lti-launch';
import type { AdmittedGuest } from './live';
import type { TestServer } from './test-server';

export interface InvitedPerson extends AdmittedGuest {
  invitationId: string;
  visitId: string;
  name: string;
  /** The room page's HTML as the invitee first saw it. */
  page: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * An invited person inside the room, made through the real invitation store: the invitation is
 * created and claimed as the invitee's confirmation does, and their browser holds the guest pass
 * the claim issues (made by GuestSessions itself), then opens the room page for its CSRF token.
 */
export async function invitedPerson(
  server: TestServer,
  roomId: string,
  role: InviteRole,
  /** waiting: the room makes invitees wait, so the claim leaves them in the lobby (no room page). */
  options: { name?: string; startsAt?: Date | null; waiting?: boolean } = {},
): Promise<InvitedPerson> {
  const store = server.runtime.storage.invitations;
  const name = options.name ?? `Invited ${role} ${randomBytes(3).toString('hex')}`;
  const email = `${randomBytes(6).toString('hex')}@example.org`;
  const token = randomBytes(18).toString('base64url');
  const invitationId = randomUUID();
  const created = await store.create(
    roomId,
    [
      {
        id: invitationId,
        name,
        email,
        emailKey: emailKey(email),
        role,
        tokenSeed: randomBytes(16).toString('hex'),
        tokenHash: sha256(token),
        expiresAt: null,
        startsAt: options.startsAt ?? null,
      },
    ],
    { userId: 'test-host', name: 'Test Host' },
    500,
  );
  if (!created.ok) throw new Error(`Creating the invitation failed: ${created.reason}`);
  const visitId = randomUUID();
  const claimed = await store.claim({
    tokenHash: sha256(token),
    claimHash: sha256(randomBytes(16).toString('hex')),
    emailKey: emailKey(email),
    visitId,
  });
  if (!claimed.ok) throw new Error(`Claiming the invitation failed: ${claimed.reason}`);
  let pass = '';
  const sessions = new GuestSessions(server.config.appSecret, false);
  sessions.issue(
    {
      cookie: (cookie: string, value: string) => (pass = `${cookie}=${encodeURIComponent(value)}`),
    } as unknown as Response,
    roomId,
    visitId,
  );
  const agent = request.agent(server.url);
  agent.jar.setCookie(pass, new URL(server.url).hostname, '/');
  if (options.waiting)
    return { agent, cookie: pass, csrf: '', roomId, invitationId, visitId, name, page: '' };
  const page = await agent.get(`/guest/rooms/${roomId}`);
  if (page.status !== 200) throw new Error(`The invitee's room page answered ${page.status}: ${page.text}`);
  return {
    agent,
    cookie: pass,
    csrf: hiddenField(page.text, '_csrf'),
    roomId,
    invitationId,
    visitId,
    name,
    page: page.text,
  };
}

/**
 * The real live service on a running tool's store, hub and engine: what the invitation service
 * calls on a revoke or role change (endVisitConnection), for tests that change invitations
 * through the store.
 */
export function liveServiceOf(server: TestServer): LiveService {
  return new LiveService(
    server.runtime.storage.live,
    server.runtime.liveHub,
    server.runtime.engine,
    server.runtime.storage.lobbyEvents,
    server.runtime.instanceId,
    createLogger('silent'),
    server.config.live,
  );
}
