import express, { type Request, type Response, type Router } from 'express';
import { onOffInput, parseJsonBody } from '../http/json-body';
import type { StreamLimits } from '../http/stream-limits';
import { launchFrom } from '../lti/claims';
import type { Logger } from '../logger';
import type { RoomAccessService } from '../lti/room-access.service';
import { guestLogWireFor } from './guest-log';
import { i18nOf } from '../http/request-locale';
import { guestLogCsv } from './guest-log-csv';
import type { LobbyHub } from './lobby-hub';
import { lobbyMessageInput, privateMessageInput } from './lobby-message';
import type { LobbyModerator, LobbyService } from './lobby.service';
import { ModeratorLobbyFeed } from './moderator-lobby-feed';

/**
 * The lobby's actions, relative to a room's lobby path, for whoever `moderatorFor` finds
 * allowed on this request: launched hosts and moderators (`/api/rooms/:roomId/lobby`, below) and
 * invited moderators (`/guest/rooms/:roomId/lobby`, invitee-lobby.routes.ts).
 */
export function lobbyActions(
  lobby: LobbyService,
  moderatorFor: (req: Request, res: Response) => Promise<LobbyModerator>,
): Router {
  const router = express.Router({ mergeParams: true });
  const visitId = (req: Request) => String(req.params.visitId);

  router.get('/', async (req, res) => {
    res.json(await lobby.view(await moderatorFor(req, res)));
  });

  router.put('/', async (req, res) => {
    const moderator = await moderatorFor(req, res);
    const { enabled } = parseJsonBody(onOffInput, req);
    res.json(await lobby.setLobbyEnabled(moderator, enabled));
  });

  router.put('/message', async (req, res) => {
    const moderator = await moderatorFor(req, res);
    const { text } = lobbyMessageInput(req);
    res.json(await lobby.setLobbyMessage(moderator, text));
  });

  router.post('/admit-all', async (req, res) => {
    res.json(await lobby.admitAll(await moderatorFor(req, res)));
  });

  router.post('/deny-all', async (req, res) => {
    res.json(await lobby.denyAll(await moderatorFor(req, res)));
  });

  router.post('/:visitId/message', async (req, res) => {
    const moderator = await moderatorFor(req, res);
    const { text } = privateMessageInput(req);
    res.json(await lobby.sendPrivateMessage(moderator, visitId(req), text));
  });

  router.post('/:visitId/admit', async (req, res) => {
    res.json(await lobby.decide(await moderatorFor(req, res), visitId(req), 'admitted'));
  });

  router.post('/:visitId/deny', async (req, res) => {
    res.json(await lobby.decide(await moderatorFor(req, res), visitId(req), 'denied'));
  });

  return router;
}

/** The moderators' lobby API and the guest log (behind ltijs's session check). */
export function lobbyRouter(
  rooms: RoomAccessService,
  lobby: LobbyService,
  hub: LobbyHub,
  streams: StreamLimits,
  logger: Logger,
): Router {
  const router = express.Router();
  const feed = new ModeratorLobbyFeed(hub, rooms, lobby, logger);
  const moderatorFor = async (roomId: string, res: Response) =>
    lobby.moderatorOf(await rooms.accessFor(launchFrom(res), roomId));

  router.use(
    '/api/rooms/:roomId/lobby',
    lobbyActions(lobby, (req, res) => moderatorFor(String(req.params.roomId), res)),
  );

  // Read with fetch and the ltik in the Authorization header (public/js/event-stream.js).
  router.get('/api/rooms/:roomId/lobby/events', async (req, res) => {
    const launch = launchFrom(res);
    const moderator = await moderatorFor(req.params.roomId, res);
    // Keyed as the live stage keys its streams: the same user's tabs share one count.
    const owner = { kind: 'user', key: launch.userId } as const;
    // Each change is read once for all of the room's moderators; each view is still checked
    // against this launch (another moderator may have turned the lobby off, or this user lost
    // the right to see it).
    await streams.stream(req, res, owner, 'lobby', (open) =>
      feed.serve(open, moderator, (room) => lobby.moderatorOf(rooms.accessTo(launch, room))),
    );
  });

  router.get('/api/rooms/:roomId/guest-log', async (req, res) => {
    const entries = await lobby.guestLog(await moderatorFor(req.params.roomId, res));
    if (req.query.format === 'csv') {
      res
        .type('text/csv; charset=utf-8')
        .attachment(`guest-log-${req.params.roomId}.csv`)
        .send(guestLogCsv(entries, i18nOf(res)));
      return;
    }
    res.json({ entries: entries.map(guestLogWireFor(i18nOf(res))) });
  });

  return router;
}
