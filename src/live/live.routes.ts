import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { parseJsonBody } from '../http/json-body';
import { openEventStream } from '../http/sse';
import { TooManyRequestsError } from '../guests/guest-protection';
import type { LiveService, LiveIdentity } from './live.service';
import { MODERATOR_ACTIONS, type ModeratorAction } from './participant';
import { clientSignal } from './signal';

/**
 * Works out who is asking from the request (a launch, or a guest pass), or throws. Connecting
 * needs the whole identity (name, standing); the posts of a connected page only who it is.
 */
export type IdentityResolver = (
  req: Request,
  res: Response,
  purpose: 'connect' | 'post',
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
const allowBackBody = z.object({ identity: z.string().min(1).max(300) }).strict();

/** The body parser of these routes: an SDP offer is about 10 kB, JSON-escaped a little more. */
export const liveJson = express.json({ limit: '64kb' });

function limiter(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Per connection where the body names one, else per address.
    keyGenerator: (req) => {
      const participant = (req.body as { participant?: unknown } | undefined)?.participant;
      return typeof participant === 'string'
        ? `participant:${participant}`
        : `ip:${ipKeyGenerator(req.ip ?? '0.0.0.0')}`;
    },
    handler: (_req, _res, next) => next(new TooManyRequestsError(60)),
  });
}

/**
 * The live session's HTTP side, the same for launched users (/api/rooms/:roomId/live, with
 * the ltik) and guests (/guest/rooms/:roomId/live, with their pass): a server-sent event
 * stream per page, and small JSON posts. Every request resolves its identity again.
 */
export function liveRouter(live: LiveService, identify: IdentityResolver): Router {
  const router = express.Router({ mergeParams: true });
  // A page's link setup sends a burst of candidates; a minute of anything beyond is abuse.
  const signals = limiter(1200);
  const actions = limiter(240);

  router.get('/events', async (req, res) => {
    const who = await identify(req, res, 'connect');
    await live.connect(who, () => openEventStream(req, res));
  });

  router.post('/signal', liveJson, signals, async (req, res) => {
    const body = parseJsonBody(signalBody, req);
    await live.signal(await identify(req, res, 'post'), body.participant, body.signal);
    res.status(204).end();
  });

  router.post('/media', liveJson, actions, async (req, res) => {
    const { participant, ...media } = parseJsonBody(mediaBody, req);
    await live.setMedia(await identify(req, res, 'post'), participant, media);
    res.status(204).end();
  });

  router.post('/hand', liveJson, actions, async (req, res) => {
    const body = parseJsonBody(handBody, req);
    await live.setHand(await identify(req, res, 'post'), body.participant, body.raised);
    res.status(204).end();
  });

  router.post('/participants/:targetId/:action', liveJson, actions, async (req, res) => {
    const action = String(req.params.action);
    if (!(MODERATOR_ACTIONS as readonly string[]).includes(action)) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: `There is no action “${action}”.` } });
      return;
    }
    const target = participantId.safeParse(req.params.targetId);
    if (!target.success) throw new ValidationError('That is not a participant of this room.', 'targetId');
    const body = parseJsonBody(actionBody, req);
    await live.act(
      await identify(req, res, 'post'),
      body.participant ?? null,
      target.data,
      action as ModeratorAction,
    );
    res.status(204).end();
  });

  router.post('/end', liveJson, actions, async (req, res) => {
    res.json(await live.end(await identify(req, res, 'post')));
  });

  router.get('/removed', async (req, res) => {
    const removed = await live.removedUsers(await identify(req, res, 'post'));
    res.json({
      removed: removed.map((entry) => ({ ...entry, removedAt: entry.removedAt.toISOString() })),
    });
  });

  router.post('/removed/allow', liveJson, actions, async (req, res) => {
    const { identity } = parseJsonBody(allowBackBody, req);
    await live.allowBack(await identify(req, res, 'post'), identity);
    res.status(204).end();
  });

  return router;
}
