import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { i18nOf } from '../http/request-locale';
import { parseJsonBody } from '../http/json-body';
import { text } from '../i18n/translator';
import { launchFrom } from '../lti/claims';
import type { RoomAccessService } from '../lti/room-access.service';
import { formatIssuePath } from '../validation';
import {
  changeRoleInput,
  createInvitationsInput,
  inviteesWaitInput,
  isTimeZone,
  issueText,
  PEOPLE_TEXT_MAX,
} from './invitation';
import type { InvitationService } from './invitation.service';

/**
 * A pasted list may hold PEOPLE_TEXT_MAX characters (up to 4 bytes each in UTF-8, plus JSON
 * escapes): a larger body limit on the invitations routes only, so an oversized list gets the
 * 400 naming `people`, not a bare 413.
 */
export const invitationsJson = express.json({ limit: `${Math.ceil((PEOPLE_TEXT_MAX * 4) / 1024) + 8}kb` });

const anyObject = z.record(z.string(), z.unknown());

/**
 * A JSON body checked against one of this module's schemas: parseJsonBody says what is wrong
 * with the body itself; the first problem with a field is a 400 naming it, in the reader's
 * language (the schemas' messages are catalog keys).
 */
function parseBody<Schema extends z.ZodType>(schema: Schema, req: Request): z.infer<Schema> {
  const body = parseJsonBody(anyObject, req);
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const field = String(issue.keys[0]);
    throw new ValidationError(text('invitations:errors.unknownField', { field }), field);
  }
  throw new ValidationError(issueText(issue.message), formatIssuePath(issue.path) || 'body');
}

/** Resend's optional body: the inviter's time zone for the times in the email (else UTC). */
function resendTimeZone(req: Request): string | undefined {
  const timeZone: unknown = (req.body as { timeZone?: unknown } | undefined)?.timeZone;
  return typeof timeZone === 'string' && timeZone.length <= 100 && isTimeZone(timeZone)
    ? timeZone
    : undefined;
}

/** The JSON API of the Invite users window (behind ltijs's session check). */
export function invitationRouter(rooms: RoomAccessService, invitations: InvitationService): Router {
  const router = express.Router();
  const roomAccess = (roomId: string, res: express.Response) => rooms.accessFor(launchFrom(res), roomId);
  const base = '/api/rooms/:roomId/invitations';

  router.get(base, async (req, res) => {
    res.json(await invitations.list(await roomAccess(req.params.roomId, res), i18nOf(res)));
  });

  router.post(base, async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    res
      .status(201)
      .json(await invitations.create(access, parseBody(createInvitationsInput, req), i18nOf(res)));
  });

  // Before the :invitationId routes, so "settings" is never read as an id.
  router.put(`${base}/settings`, async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    const { inviteesWait } = parseBody(inviteesWaitInput, req);
    res.json(await invitations.setInviteesWait(access, inviteesWait));
  });

  router.patch(`${base}/:invitationId`, async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    const { role } = parseBody(changeRoleInput, req);
    res.json(await invitations.changeRole(access, req.params.invitationId, role, i18nOf(res)));
  });

  router.post(`${base}/:invitationId/send`, async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    res.json(await invitations.resend(access, req.params.invitationId, i18nOf(res), resendTimeZone(req)));
  });

  router.delete(`${base}/:invitationId`, async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    res.json(await invitations.revoke(access, req.params.invitationId, i18nOf(res)));
  });

  return router;
}
