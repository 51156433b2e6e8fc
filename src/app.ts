import { languageRouter } from './http/language.routes';
import { requestLocale } from './http/request-locale';
import { launchLocale } from './lti/launch-locale';
import express, { type Express } from 'express';
import type { LtiProvider } from 'ltijs';
import type { Config } from './config';
import { errorHandler, notFoundHandler } from './error-handler';
import { healthRouter } from './health/health.routes';
import { rejectMalformedPaths } from './http/path-guard';
import { RecentStorageFaults } from './faults/storage-faults';
import { requestLog } from './http/request-log';
import { securityHeaders } from './http/security-headers';
import type { Logger } from './logger';
import { launchRefusals } from './lti/launch-refusals';
import { deepLinkingRouter, wireLtijsCallbacks } from './lti/lti.routes';
import { PlacedByStamp } from './lti/placed-by';
import { mountLtijs } from './lti/ltijs-workarounds';
import { LTI_ROUTES } from './lti/provider';
import { INTL_MESSAGEFORMAT_BROWSER_BUILD, PUBLIC_DIR, VIEWS_DIR } from './paths';
import type { PlatformRegistry } from './platforms/platform-registry';
import { roomPages } from './media-page/media-page.routes';
import { RoomAccessService } from './lti/room-access.service';
import { GuestAccessService } from './guest-access/guest-access.service';
import { guestAccessRouter, requireAuthorizationHeaderForWrites } from './guest-access/guest-access.routes';
import { GuestLinkTokens, INVITATION_LINKS } from './guest-access/guest-link-token';
import { InvitationService } from './invitations/invitation.service';
import { InviteeService } from './invitations/invitee.service';
import { invitationRouter, invitationsJson } from './invitations/invitation.routes';
import { inviteeRouter } from './invitations/invitee.routes';
import type { Mailer } from './mail/mailer';
import type { SendLimits } from './mail/send-limits';
import { guestRouter } from './guests/guest.routes';
import { GuestService } from './guests/guest.service';
import type { LinkEntry } from './guests/guest.store';
import type { LinkEntryCache } from './guest-access/link-entry-cache';
import { launchedIdentity } from './live/live-identity';
import type { LiveHub } from './live/live-hub';
import { liveJson, liveRouter } from './live/live.routes';
import { LiveService } from './live/live.service';
import type { RoomEngine } from './live/room-engine';
import type { LobbyHub } from './lobby/lobby-hub';
import { lobbyRouter } from './lobby/lobby.routes';
import { inviteeLobbyRouter } from './lobby/invitee-lobby.routes';
import { LobbyService } from './lobby/lobby.service';
import { sandboxRouter } from './sandbox/sandbox.routes';
import type { SandboxPlatform } from './sandbox/sandbox-platform';
import type { Storage } from './storage';
import type { StreamLimits } from './http/stream-limits';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  storage: Storage;
  /** A set-up, deployed ltijs provider whose guards are already installed. */
  lti: LtiProvider;
  registry: PlatformRegistry;
  sandbox: SandboxPlatform | null;
  /** This instance's lobby streams, already listening to the event channel. */
  lobbyHub: LobbyHub;
  /** Entry-page link states, dropped by the hub on every event for their room. */
  linkEntries: LinkEntryCache<LinkEntry>;
  /** This instance's live session streams, already listening to the event channel. */
  liveHub: LiveHub;
  /** What carries the live session's media (ROOM_ENGINE). */
  engine: RoomEngine;
  instanceId: string;
  /** This instance's open live-update streams, counted against their caps. */
  streams: StreamLimits;
  /** Outgoing email (SMTP_URL); unconfigured without it. */
  mailer: Mailer;
  /** Invitation emails per room and per user (this instance's count). */
  sendLimits: SendLimits;
}

/** Builds the express app. It neither listens nor connects: tests and server.ts do that. */
export function createApp(deps: AppDependencies): Express {
  const { config, logger, storage, lti, registry, sandbox, lobbyHub, linkEntries, liveHub, engine, streams } =
    deps;
  const rooms = new RoomAccessService(storage.rooms, registry, new PlacedByStamp(config.appSecret));
  const guestAccess = new GuestAccessService(
    storage.guestAccess,
    new GuestLinkTokens(config.appSecret, config.publicUrl),
    storage.lobbyEvents,
    linkEntries,
  );
  const guests = new GuestService(
    storage.guests,
    storage.lobbyEvents,
    logger,
    config.guestLimits.waitingPerRoom,
    linkEntries,
  );
  const lobby = new LobbyService(storage.guests, storage.lobbyEvents, logger);
  const live = new LiveService(
    storage.live,
    liveHub,
    engine,
    storage.lobbyEvents,
    deps.instanceId,
    logger,
    config.live,
  );
  const invitationLinks = new GuestLinkTokens(config.appSecret, config.publicUrl, INVITATION_LINKS);
  const invitations = new InvitationService(
    storage.invitations,
    invitationLinks,
    deps.mailer,
    deps.sendLimits,
    live,
    storage.lobbyEvents,
    logger,
  );
  const invitees = new InviteeService(storage.invitations, invitationLinks, storage.lobbyEvents, logger);
  const pages = roomPages(rooms, guestAccess, live, invitations);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  // Always cache compiled templates: without the cache express re-reads and EJS re-compiles
  // every template on every render, which made the guest entry page (the surge's hot path)
  // several times slower outside production. Views only change with a new build and restart.
  app.enable('view cache');
  // Pages and API answers are personal and sent with no-store: a hash of every body
  // for an ETag nobody may reuse is wasted work.
  app.set('etag', false);

  app.use(requestLog(logger));
  app.use(requestLocale);
  app.use(securityHeaders(config));
  // Before every router (ltijs's too): malformed addresses get a 400, never a 500 or a query.
  app.use(rejectMalformedPaths);
  // First after the headers: a class opening a guest link at once meets no other middleware.
  app.use(
    guestRouter(config, guests, lobbyHub, live, streams, (context) =>
      context.invitee
        ? invitees.personalLink(context.visit.roomId, context.invitee.invitationId)
        : Promise.resolve(null),
    ),
  );
  // Personal invitation links, mounted like guest links: before static files and ltijs.
  app.use(inviteeRouter(config, invitees));
  // The browser build of intl-messageformat, which formats the words of our scripts (public/js/i18n.js).
  app.get('/static/vendor/intl-messageformat.js', (_req, res, next) => {
    res.sendFile(
      INTL_MESSAGEFORMAT_BROWSER_BUILD,
      {
        maxAge: config.env === 'production' ? '1h' : 0,
        headers: { 'Content-Type': 'text/javascript; charset=utf-8' },
      },
      (error) => error && next(error),
    );
  });
  app.use(
    '/static',
    express.static(PUBLIC_DIR, { index: false, maxAge: config.env === 'production' ? '1h' : 0 }),
  );
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 }));
  // Signalling carries SDP (about 10 kB a message): a larger limit on those routes only.
  app.use('/api/rooms/:roomId/live', liveJson);
  // A pasted list of people may be larger than other API bodies.
  app.use('/api/rooms/:roomId/invitations', invitationsJson);
  app.use(express.json({ limit: '16kb' }));
  app.use(languageRouter({ secureCookies: config.isHttps }));
  // Invited moderators' lobby: JSON writes with the guest pass and CSRF header.
  app.use(inviteeLobbyRouter(config, guests, rooms, lobby, lobbyHub, streams, logger));

  const storageFaults = new RecentStorageFaults(config.storageFaultWindowSeconds * 1000);
  app.use(healthRouter(storage, storageFaults));
  app.get('/', (_req, res) => {
    res.render('home', {
      sandboxEnabled: sandbox !== null,
      urls: {
        login: `${config.publicUrl}${LTI_ROUTES.login}`,
        launch: `${config.publicUrl}${LTI_ROUTES.launch}`,
        keys: `${config.publicUrl}${LTI_ROUTES.keys}`,
      },
    });
  });
  if (sandbox) app.use('/sandbox', sandboxRouter(sandbox));
  // A launched user's page reloaded or bookmarked: its reopening page, before ltijs refuses it.
  app.use(pages.reopen);

  // Everything below needs an LTI launch: ltijs validates the id_token or ltik first.
  wireLtijsCallbacks({ lti, rooms, publicUrl: config.publicUrl, renderMediaPage: pages.renderMediaPage });
  lti.app.use(launchLocale);
  lti.app.use('/api', requireAuthorizationHeaderForWrites, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  lti.app.use('/api/rooms/:roomId/live', liveRouter(live, launchedIdentity(rooms), streams));
  lti.app.use(pages.router);
  lti.app.use(guestAccessRouter(rooms, guestAccess));
  lti.app.use(invitationRouter(rooms, invitations));
  lti.app.use(lobbyRouter(rooms, lobby, lobbyHub, streams, logger));
  lti.app.use(deepLinkingRouter({ lti, rooms, publicUrl: config.publicUrl }));
  mountLtijs(app, lti);

  app.use(notFoundHandler);
  // Refused logins and launches: logged at warn once, and worded for the platform they came from.
  app.use(launchRefusals(registry, logger));
  app.use(errorHandler(logger, storageFaults));
  return app;
}
