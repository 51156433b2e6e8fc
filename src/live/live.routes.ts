import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors';
import { text } from '../i18n/translator';
import { i18nOf } from '../http/request-locale';
import { hasForbiddenCharacters } from '../text';
import { parseJsonBody } from '../http/json-body';
import type { StreamLimits, StreamOwner } from '../http/stream-limits';
import type { LiveService, LiveIdentity } from './live.service';
import { MODERATOR_ACTIONS, type ModeratorAction } from './participant';
import { clientSignal } from './signal';
import { TooManyRequestsError } from '../errors';

/**
 * Works out who is asking from the request (a launch, or a guest pass), or throws. Connecting
 * and moderating need the whole identity (name, standing now); the other posts of a connected
 * page only who it is (the connection's row says the rest).
 */
export type IdentityPurpose = 'connect' | 'post' | 'moderate';
export type IdentityResolver = (
  req: Request,
  res: Response,
  purpose: IdentityPurpose,
) => Promise<LiveIdentity>;

const participantId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'participant must be this page’s participant id.');

const signalBody = z.object({ participant: participantId, signal: clientSignal }).strict();
const mediaBody = z
  .object({ participant: participantId, audio: z.boolean(), video: z.boolean(), screen: z.boolean() })
  .strict();
const handBody = z.object({ participant: participantId, raised: z.boolean() }).strict();
const actionBody = z.object({ participant: participantId.nullable().optional() }).strict();
const allowBackBody = z
  .object({
    identity: z
      .string()
      .min(1)
      .max(300)
      .refine((value) => !hasForbiddenCharacters(value), 'identity must not contain control characters.'),
  })
  .strict();

/** The body parser of these routes: an SDP offer is about 10 kB, JSON-escaped a little more. */
export const liveJson = express.json({ limit: '64kb' });

/** Who is asking, resolved once per request by `resolve` below. */
function identityOf(res: Response): LiveIdentity {
  return res.locals.liveIdentity as LiveIdentity;
}

/** A guest's streams count against their pass; a launched user's against them, across rooms. */
function streamOwner(who: LiveIdentity): StreamOwner {
  if (who.visitId !== null) return { kind: 'guest-pass', visitId: who.visitId };
  return { kind: 'user', key: who.userId ?? who.identity };
}

/**
 * Per person (their launch or guest pass, resolved before): a client cannot pick its own
 * bucket, and requests refused as unauthenticated never get one.
 */
function limiter(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_req, res) => {
      const who = identityOf(res as Response);
      return `${who.roomId}:${who.identity}`;
    },
    handler: (_req, _res, next) => next(new TooManyRequestsError(60)),
  });
}

/**
 * The live session's HTTP side, the same for launched users (/api/rooms/:roomId/live, with
 * the ltik) and guests (/guest/rooms/:roomId/live, with their pass): a server-sent event
 * stream per page, and small JSON posts. Every request resolves its identity again.
 */
export function liveRouter(live: LiveService, identify: IdentityResolver, streams: StreamLimits): Router {
  const router = express.Router({ mergeParams: true });
  const resolve =
    (purpose: IdentityPurpose): RequestHandler =>
    async (req, res, next) => {
      res.locals.liveIdentity = await identify(req, res, purpose);
      next();
    };
  // Each connect replaces the page's connection and is announced to the room: a page
  // reconnects a few times a minute at most; a loop of them is abuse.
  const connects = limiter(20);
  // A page's link setup sends a burst of candidates; a minute of anything beyond is abuse.
  const signals = limiter(1200);
  const actions = limiter(240);
  const post: RequestHandler[] = [liveJson, resolve('post')];
  const moderate: RequestHandler[] = [liveJson, resolve('moderate')];

  router.get('/events', resolve('connect'), connects, async (req, res) => {
    const who = identityOf(res);
    await streams.stream(req, res, streamOwner(who), 'live', (open) => live.connect(who, open, i18nOf(res)));
  });

  router.post('/signal', ...post, signals, async (req, res) => {
    const body = parseJsonBody(signalBody, req);
    await live.signal(identityOf(res), body.participant, body.signal);
    res.status(204).end();
  });

  router.post('/media', ...post, actions, async (req, res) => {
    const { participant, ...media } = parseJsonBody(mediaBody, req);
    await live.setMedia(identityOf(res), participant, media);
    res.status(204).end();
  });

  router.post('/hand', ...post, actions, async (req, res) => {
    const body = parseJsonBody(handBody, req);
    await live.setHand(identityOf(res), body.participant, body.raised);
    res.status(204).end();
  });

  router.post('/participants/:targetId/:action', ...moderate, actions, async (req, res) => {
    const action = String(req.params.action);
    if (!(MODERATOR_ACTIONS as readonly string[]).includes(action)) {
      throw new NotFoundError(text('live:errors.noSuchAction', { action }));
    }
    const target = participantId.safeParse(req.params.targetId);
    if (!target.success) throw new ValidationError(text('live:errors.notAParticipant'), 'targetId');
    const body = parseJsonBody(actionBody, req);
    await live.act(identityOf(res), body.participant ?? null, target.data, action as ModeratorAction);
    res.status(204).end();
  });

  router.post('/end', ...moderate, actions, async (_req, res) => {
    res.json(await live.end(identityOf(res)));
  });

  router.get('/removed', resolve('moderate'), actions, async (_req, res) => {
    const removed = await live.removedUsers(identityOf(res));
    res.json({
      removed: removed.map((entry) => ({ ...entry, removedAt: entry.removedAt.toISOString() })),
    });
  });

  router.post('/removed/allow', ...moderate, actions, async (req, res) => {
    const { identity } = parseJsonBody(allowBackBody, req);
    await live.allowBack(identityOf(res), identity);
    res.status(204).end();
  });

  return router;
}
