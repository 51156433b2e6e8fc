import express, { type Response, type Router } from 'express';
import { onOffInput, parseJsonBody } from '../http/json-body';
import type { StreamLimits } from '../http/stream-limits';
import { launchFrom } from '../lti/claims';
import type { Logger } from '../logger';
import type { RoomAccessService } from '../lti/room-access.service';
import { guestLogWire } from './guest-log';
import { guestLogCsv } from './guest-log-csv';
import type { LobbyHub } from './lobby-hub';
import { lobbyMessageInput, privateMessageInput } from './lobby-message';
import type { LobbyService } from './lobby.service';
import { ModeratorLobbyFeed } from './moderator-lobby-feed';

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
  const roomAccess = (roomId: string, res: Response) => rooms.accessFor(launchFrom(res), roomId);

  router.get('/api/rooms/:roomId/lobby', async (req, res) => {
    res.json(await lobby.view(await roomAccess(req.params.roomId, res)));
  });

  router.put('/api/rooms/:roomId/lobby', async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    const { enabled } = parseJsonBody(onOffInput, req);
    res.json(await lobby.setLobbyEnabled(access, enabled));
  });

  router.put('/api/rooms/:roomId/lobby/message', async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    const { text } = parseJsonBody(lobbyMessageInput, req);
    res.json(await lobby.setLobbyMessage(access, text));
  });

  router.post('/api/rooms/:roomId/lobby/:visitId/message', async (req, res) => {
    const access = await roomAccess(req.params.roomId, res);
    const { text } = parseJsonBody(privateMessageInput, req);
    res.json(await lobby.sendPrivateMessage(access, req.params.visitId, text));
  });

  router.post('/api/rooms/:roomId/lobby/admit-all', async (req, res) => {
    res.json(await lobby.admitAll(await roomAccess(req.params.roomId, res)));
  });

  router.post('/api/rooms/:roomId/lobby/deny-all', async (req, res) => {
    res.json(await lobby.denyAll(await roomAccess(req.params.roomId, res)));
  });

  router.post('/api/rooms/:roomId/lobby/:visitId/admit', async (req, res) => {
    res.json(await lobby.decide(await roomAccess(req.params.roomId, res), req.params.visitId, 'admitted'));
  });

  router.post('/api/rooms/:roomId/lobby/:visitId/deny', async (req, res) => {
    res.json(await lobby.decide(await roomAccess(req.params.roomId, res), req.params.visitId, 'denied'));
  });

  // EventSource cannot send headers: this GET carries the ltik in its query string.
  router.get('/api/rooms/:roomId/lobby/events', async (req, res) => {
    const launch = launchFrom(res);
    const access = await roomAccess(req.params.roomId, res);
    // Keyed as the live stage keys its streams: the same user's tabs share one count.
    const owner = { kind: 'user', key: launch.userId } as const;
    await streams.stream(req, res, owner, 'lobby', async (open) => {
      const current = await lobby.view(access);
      const stream = open();
      // Each change is read once for all of the room's moderators; each view is still
      // checked against this launch (another moderator may have turned the lobby off, or
      // this user lost the right to see it).
      const unsubscribe = feed.subscribe(access.room.id, {
        launch,
        send: (view) => stream.send('lobby', view),
        end: () => stream.close(),
      });
      stream.onClose(unsubscribe);
      stream.send('lobby', current);
    });
  });

  router.get('/api/rooms/:roomId/guest-log', async (req, res) => {
    const entries = await lobby.guestLog(await roomAccess(req.params.roomId, res));
    if (req.query.format === 'csv') {
      res
        .type('text/csv; charset=utf-8')
        .attachment(`guest-log-${req.params.roomId}.csv`)
        .send(guestLogCsv(entries));
      return;
    }
    res.json({ entries: entries.map(guestLogWire) });
  });

  return router;
}
