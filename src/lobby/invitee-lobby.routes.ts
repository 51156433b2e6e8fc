import cookieParser from 'cookie-parser';
import express, { type Request, type Router } from 'express';
import type { Config } from '../config';
import { NotFoundError } from '../errors';
import { text } from '../i18n/translator';
import type { StreamLimits } from '../http/stream-limits';
import type { Logger } from '../logger';
import type { RoomAccessService } from '../lti/room-access.service';
import type { Room } from '../rooms/room';
import { guestCsrf } from '../guests/guest-protection';
import { GuestSessions } from '../guests/guest-session';
import type { GuestService } from '../guests/guest.service';
import type { LobbyHub } from './lobby-hub';
import { lobbyActions } from './lobby.routes';
import type { LobbyModerator, LobbyService } from './lobby.service';
import { ModeratorLobbyFeed } from './moderator-lobby-feed';

/**
 * The lobby for invited moderators (Invite users, role Moderator): the same actions as the
 * launched moderators' API, under `/guest/rooms/:roomId/lobby`, with the guest pass (a cookie)
 * and the CSRF header on every write. Every request reads the visit again: only an admitted
 * visit whose invitation's role is moderator now may act, so a revoke or a new role acts at once.
 */
export function inviteeLobbyRouter(
  config: Config,
  guests: GuestService,
  rooms: RoomAccessService,
  lobby: LobbyService,
  hub: LobbyHub,
  streams: StreamLimits,
  logger: Logger,
): Router {
  const router = express.Router();
  const sessions = new GuestSessions(config.appSecret, config.isHttps);
  const csrf = guestCsrf(config);
  const feed = new ModeratorLobbyFeed(hub, rooms, lobby, logger);
  const base = '/guest/rooms/:roomId/lobby';

  /** The invited moderator behind this request's pass, checked against `room` (read now if not given). */
  const moderatorFor = async (req: Request, known?: Room | null): Promise<LobbyModerator> => {
    const roomId = String(req.params.roomId);
    // Not ended, room available, modules on, room type: what every guest page load re-checks.
    const context = await guests.visit(roomId, sessions.visitId(req, roomId));
    const room = known === undefined ? await rooms.findRoom(roomId) : known;
    if (!room) throw new NotFoundError(text('lobby:errors.roomGone'));
    return lobby.invitedModerator(context, room);
  };

  router.use(base, cookieParser(config.appSecret), (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (req.method === 'GET') return next();
    csrf.verify(req, res, next);
  });

  // The lobby's live updates, as the launched panel gets them (one read per change for all).
  router.get(`${base}/events`, async (req, res) => {
    const moderator = await moderatorFor(req);
    const owner = { kind: 'guest-pass', visitId: sessions.visitId(req, moderator.room.id)! } as const;
    await streams.stream(req, res, owner, 'lobby', (open) =>
      feed.serve(open, moderator, (room) => moderatorFor(req, room)),
    );
  });

  router.use(
    base,
    lobbyActions(lobby, (req) => moderatorFor(req)),
  );
  return router;
}
