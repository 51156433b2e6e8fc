import cookieParser from 'cookie-parser';
import express, { type Request, type Response, type Router } from 'express';
import type { Config } from '../config';
import type { StreamLimits } from '../http/stream-limits';
import {
  canComeBack,
  freeComebackUntil,
  JOIN_FIELD_MAX,
  joinForm,
  leaveNeedsConfirm,
  type GuestVisit,
} from './guest';
import { EntryPageShells } from './entry-page-shells';
import { GuestProblemError } from './guest-errors';
import { guestCsrf, guestRateLimits } from './guest-protection';
import { GuestSessions } from './guest-session';
import type { GuestService } from './guest.service';
import type { VisitContext } from './guest.store';
import type { Room } from '../rooms/room';
import { liveRouter } from '../live/live.routes';
import type { LiveService } from '../live/live.service';
import { LIVE_SCRIPTS, type StageLocals } from '../live/live-stage';
import { hasLiveSession } from '../rooms/room';
import { guestIdentity, identityOfVisitor } from './guest-live-identity';
import type { InviteRole } from '../rooms/room-role';
import { i18nOf } from '../http/request-locale';
import type { MessageValues } from '../i18n/translator';
import { pageTime, pickerReturnPath, timeSentence, type PageTime } from './guest-page-text';
import {
  applyWaitingUpdate,
  presenceText,
  waitingPageView,
  type WaitingPageState,
  type WaitingPageUpdate,
} from './waiting-page';

/**
 * Tells a waiting guest's page when their visit is decided. The lobby's hub does it on every
 * instance; the guests' side only needs this much of it.
 */
export interface VisitWatch {
  watchVisit(
    roomId: string,
    visitId: string,
    watcher: (status: GuestVisit['status'] | 'gone', update?: WaitingPageUpdate) => void,
  ): () => void;
}

/** An invitee's personal link (Invite users), their way back in after leaving; null once revoked. */
export type PersonalLinkOf = (context: VisitContext) => Promise<string | null>;

export const guestRoomPath = (roomId: string) => `/guest/rooms/${encodeURIComponent(roomId)}`;
export const waitingPath = (roomId: string) => `${guestRoomPath(roomId)}/waiting`;

/** Where a guest's stage connects: their pass (a cookie) and CSRF token say who they are. */
function guestStage(roomId: string, csrfToken: string): StageLocals {
  return {
    events: `${guestRoomPath(roomId)}/live/events`,
    api: `${guestRoomPath(roomId)}/live`,
    csrfToken,
    waitingHref: waitingPath(roomId),
    reloadHref: guestRoomPath(roomId),
    scripts: LIVE_SCRIPTS,
  };
}

/** The Lobby panel's scripts on an invited moderator's room page (after the stage's json-api.js). */
const INVITED_MODERATOR_SCRIPTS = [
  '/static/js/dom.js',
  '/static/js/json-api.js',
  '/static/js/room-api.js',
  '/static/js/lobby-confirm.js',
  '/static/js/lobby-alerts.js',
  '/static/js/lobby.js',
];

/** The badge beside a guest's name on the room page: an invited person's role, else "Guest". */
const ROLE_LABELS: Record<InviteRole | 'guest', string> = {
  guest: 'guest:room.role.guest',
  viewer: 'guest:room.role.viewer',
  speaker: 'guest:room.role.speaker',
  moderator: 'guest:room.role.moderator',
};

/**
 * The namespaces whose script messages the room page ships: its own, the live stage's, an
 * invited moderator's lobby panel's, and the shared page scripts' (json-api.js, room-api.js: "media").
 */
const ROOM_MESSAGES = ['guest', 'live', 'lobby', 'media'];

function nextLocation(context: Pick<VisitContext, 'visit'>): string {
  return context.visit.status === 'admitted'
    ? guestRoomPath(context.visit.roomId)
    : waitingPath(context.visit.roomId);
}

/**
 * The public, unauthenticated side: entry page, join, waiting page, the room in guest
 * mode, leave. No ltik, no LTI session: a guest pass names one visit in one room, and
 * every page load re-checks it.
 */
export function guestRouter(
  config: Config,
  guests: GuestService,
  hub: VisitWatch,
  live: LiveService,
  streams: StreamLimits,
  personalLinkOf: PersonalLinkOf = async () => null,
): Router {
  const router = express.Router();
  const sessions = new GuestSessions(config.appSecret, config.isHttps);
  const csrf = guestCsrf(config);
  const limits = guestRateLimits(config);
  // This router runs before the app's body parsers; its forms are small.
  const formBody = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  // Scoped to the guest paths; the secret is ltijs's too, so its signed cookies still parse.
  // Every guest page, message pages included, has the language picker (back to this page)
  // and writes times inside sentences with tTime (guest-page-text.ts).
  router.use(['/g', '/guest'], cookieParser(config.appSecret), (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.locals.returnPath = pickerReturnPath(req);
    res.locals.tTime = (key: string, time: PageTime, values?: MessageValues) =>
      timeSentence(i18nOf(res), key, time, values);
    next();
  });

  const entryPages = new EntryPageShells();
  const entryLocals = (req: Request, roomTitle: string) => {
    const action = `/g/${encodeURIComponent(String(req.params.token))}`;
    return { roomTitle, action, returnPath: action };
  };
  const renderEntry = (req: Request, res: Response, roomTitle: string, values = {}, errors = {}) => {
    res.render('guests/entry', {
      ...entryLocals(req, roomTitle),
      values,
      errors,
      csrfToken: csrf.token(req, res),
    });
  };

  router.get('/g/:token', limits.pagesPerIp, async (req, res) => {
    const holdsPass = GuestSessions.holdsAny(req);
    const entry = await guests.entry(
      String(req.params.token),
      holdsPass ? (roomId) => sessions.visitId(req, roomId) : null,
    );
    const returning = entry.returning;
    // A guest who got in and left comes back on their own visit, with one button.
    if (returning && canComeBack(returning))
      return res.render('guests/come-back', {
        roomId: entry.roomId,
        roomTitle: entry.roomTitle,
        guestName: returning.name,
        csrfToken: csrf.token(req, res),
      });
    if (returning) return res.redirect(303, nextLocation({ visit: returning }));
    // Anyone else (denied, removed, left the lobby, no pass) asks through the form.
    const locals = { ...entryLocals(req, entry.roomTitle), values: {}, errors: {} };
    await entryPages.send(res, 'guests/entry', locals, csrf.token(req, res));
  });

  router.post(
    '/g/:token',
    limits.joinsPerIp,
    formBody,
    csrf.verify,
    // After the CSRF check: forged posts (refused with 403) must not spend a link's budget,
    // or anyone could lock a class out of its link. The per-address limit stays first: it
    // bounds what one address can make the server parse and check.
    limits.joinsPerLink,
    async (req, res) => {
      const token = String(req.params.token);
      const parsed = joinForm.safeParse(req.body ?? {});
      if (!parsed.success) {
        const entry = await guests.entry(token);
        // The schema's messages are catalog keys (guest.ts); the page shows them in the guest's words.
        const i18n = i18nOf(res);
        const errors = Object.fromEntries(
          parsed.error.issues.map((issue) => {
            const field = String(issue.path[0]);
            return [field, i18n.t(issue.message, { max: JOIN_FIELD_MAX[field] ?? 0 })];
          }),
        );
        res.status(400);
        return renderEntry(req, res, entry.roomTitle, req.body ?? {}, errors);
      }
      const existing = GuestSessions.holdsAny(req) ? (roomId: string) => sessions.visitId(req, roomId) : null;
      const visit = await guests.join(token, parsed.data, existing);
      sessions.issue(res, visit.roomId, visit.id);
      res.redirect(
        303,
        visit.status === 'admitted' ? guestRoomPath(visit.roomId) : waitingPath(visit.roomId),
      );
    },
  );

  const visitFor = async (req: Request) =>
    guests.visit(String(req.params.roomId), sessions.visitId(req, String(req.params.roomId)));

  /** Until when this browser may come back without a click (its pass, within the link's life). */
  const freeUntil = (req: Request, context: VisitContext) => {
    const pass = sessions.pass(req, context.visit.roomId);
    return pass ? freeComebackUntil(context.visit, pass.expiresAt, context.linkExpiresAt) : null;
  };

  const renderLeft = async (req: Request, res: Response, context: VisitContext) => {
    // Invitees come back through their personal link, which knows this browser.
    const personalLink = context.invitee ? await personalLinkOf(context) : null;
    const until = !context.invitee && canComeBack(context.visit) ? freeUntil(req, context) : null;
    res.render('guests/left', {
      roomId: context.visit.roomId,
      roomTitle: context.roomTitle,
      personalLink,
      until: until && pageTime(i18nOf(res), until),
      csrfToken: csrf.token(req, res),
    });
  };

  /** The waiting page's messages and whether a moderator is on the stage, read now. */
  const waitingState = async (context: VisitContext): Promise<WaitingPageState> => ({
    lobbyMessage: context.lobbyMessage,
    privateMessage: context.visit.privateMessage,
    moderatorPresent: hasLiveSession({
      roomType: context.roomType as Room['roomType'],
      mediaUrl: context.mediaUrl,
    })
      ? await live.moderatorPresent(context.visit.roomId)
      : null,
  });

  router.get('/guest/rooms/:roomId/waiting', limits.pagesPerIp, async (req, res) => {
    const context = await visitFor(req);
    if (context.visit.status === 'admitted') return res.redirect(303, guestRoomPath(context.visit.roomId));
    if (context.visit.status === 'left') return renderLeft(req, res, context);
    const state = await waitingState(context);
    res.render('guests/waiting', {
      roomId: context.visit.roomId,
      roomTitle: context.roomTitle,
      contextTitle: context.contextTitle,
      guestName: context.visit.name,
      lobbyMessage: state.lobbyMessage,
      privateMessage: state.privateMessage,
      presence: presenceText(i18nOf(res), state.moderatorPresent),
      csrfToken: csrf.token(req, res),
      refreshSeconds: 5,
    });
  });

  // The waiting page's live channel; plain reloads of the page work without it.
  router.get('/guest/rooms/:roomId/events', async (req, res) => {
    const context = await visitFor(req);
    const roomId = context.visit.roomId;
    const owner = { kind: 'guest-pass', visitId: context.visit.id } as const;
    const initial = context.visit.status === 'waiting' ? await waitingState(context) : null;
    await streams.stream(req, res, owner, 'lobby', (open) => {
      const stream = open();
      const report = (status: string) => {
        stream.send('status', {
          status,
          location: status === 'admitted' ? guestRoomPath(roomId) : waitingPath(roomId),
        });
        if (status !== 'waiting') stream.close();
      };
      if (!initial) return report(context.visit.status);
      let state = initial;
      // Carries status "waiting" too, so that listeners looking only at statuses pass over it.
      const sendState = () =>
        stream.send('waiting', { status: 'waiting', ...waitingPageView(state, i18nOf(res)) });
      const stop = hub.watchVisit(roomId, context.visit.id, (status, update) => {
        if (status !== 'waiting') return report(status);
        // A room without a stage has nobody to be "in" it: presence stays unsaid there.
        const relevant = state.moderatorPresent === null ? { ...update, moderatorPresent: null } : update;
        const next = applyWaitingUpdate(state, relevant ?? {});
        if (next === state) return;
        state = next;
        sendState();
      });
      stream.onClose(stop);
      report('waiting');
      sendState();
    });
  });

  router.get('/guest/rooms/:roomId/status', async (req, res) => {
    try {
      const context = await visitFor(req);
      // The polling fallback gets the waiting page's messages too: nothing is only live.
      const waiting =
        context.visit.status === 'waiting'
          ? waitingPageView(await waitingState(context), i18nOf(res))
          : undefined;
      res.json({ status: context.visit.status, location: nextLocation(context), waiting });
    } catch (error) {
      if (!(error instanceof GuestProblemError)) throw error;
      res.json({ status: 'ended', location: waitingPath(String(req.params.roomId)) });
    }
  });

  const identify = guestIdentity(sessions, guests);
  router.use(
    '/guest/rooms/:roomId/live',
    (req, res, next) => (req.method === 'GET' ? next() : csrf.verify(req, res, next)),
    liveRouter(live, identify, streams),
  );

  router.get('/guest/rooms/:roomId', limits.pagesPerIp, async (req, res) => {
    const context = await visitFor(req);
    if (context.visit.status === 'waiting') return res.redirect(303, waitingPath(context.visit.roomId));
    if (context.visit.status === 'left') return renderLeft(req, res, context);
    const onStage = hasLiveSession({
      roomType: context.roomType as Room['roomType'],
      mediaUrl: context.mediaUrl,
    });
    // The visit was just read and checked: the stage's own check needs no second read.
    if (onStage) await live.pageProblem(identityOfVisitor(context));
    const invitee = context.invitee;
    const csrfToken = csrf.token(req, res);
    const pass = sessions.pass(req, context.visit.roomId);
    const confirmUntil =
      pass && leaveNeedsConfirm(context.linkClickLimit, pass.expiresAt, context.linkExpiresAt, new Date())
        ? pass.expiresAt
        : null;
    const i18n = i18nOf(res);
    const lobbyPanel = invitee?.role === 'moderator';
    res.render('guests/room', {
      leaveConfirm: confirmUntil && pageTime(i18n, confirmUntil),
      roomId: context.visit.roomId,
      roomTitle: context.roomTitle,
      contextTitle: context.contextTitle,
      guestName: context.visit.name,
      // An invited person is shown with their role; until a host or moderator is on the stage,
      // a viewer or speaker is told when the session starts (public/js/session-start.js).
      roleLabel: i18n.t(ROLE_LABELS[invitee ? invitee.role : 'guest']),
      sessionStart:
        invitee && onStage && invitee.role !== 'moderator'
          ? { at: invitee.startsAt && pageTime(i18n, invitee.startsAt) }
          : null,
      screen: context.mediaUrl
        ? { kind: 'video', mediaUrl: context.mediaUrl }
        : { kind: 'live', mediaUrl: null },
      live: onStage ? guestStage(context.visit.roomId, csrfToken) : null,
      // An invited moderator runs the lobby from here (lobby/invitee-lobby.routes.ts checks each request).
      messages: ROOM_MESSAGES,
      lobbyPanel: lobbyPanel
        ? {
            // The panel's first update (at once, on its stream) sets the switch.
            lobbyEnabled: false,
            scripts: INVITED_MODERATOR_SCRIPTS.filter((script) => !onStage || !LIVE_SCRIPTS.includes(script)),
          }
        : null,
      csrfToken,
    });
  });

  router.post('/guest/rooms/:roomId/leave', formBody, csrf.verify, async (req, res) => {
    const roomId = String(req.params.roomId);
    const context = await guests.leave(roomId, sessions.visitId(req, roomId));
    // The pass stays: a guest who got in comes back on it without a click ("Join again"); one
    // who left the lobby asks again through the form; one who was removed must still wait.
    await renderLeft(req, res, { ...context, visit: { ...context.visit, status: 'left' } });
  });

  // "Join again": the visit of this browser's pass, re-opened without a click.
  router.post(
    '/guest/rooms/:roomId/come-back',
    limits.joinsPerIp,
    formBody,
    csrf.verify,
    async (req, res) => {
      const roomId = String(req.params.roomId);
      const visit = await guests.comeBack(roomId, sessions.visitId(req, roomId));
      if (!visit) throw new GuestProblemError('not-in-session');
      sessions.issue(res, visit.roomId, visit.id);
      res.redirect(
        303,
        visit.status === 'admitted' ? guestRoomPath(visit.roomId) : waitingPath(visit.roomId),
      );
    },
  );

  return router;
}
