/** What the stage's view (views/live/stage.ejs) and script need to connect a page. */
export interface StageLocals {
  /** The event stream's URL. */
  events: string;
  /** The base of the live session's posts. */
  api: string;
  /** A launched user's ltik, sent as a bearer token. */
  auth?: string;
  /** A guest's CSRF token, sent as a header. */
  csrfToken?: string;
  /** Presenters whose LMS frame withholds the camera open the room here instead. */
  newWindowHref?: string;
  /** A guest sent back to the lobby goes here. */
  waitingHref?: string;
  /** Where the page reloads to (a removed guest then sees why). */
  reloadHref: string;
  /** The stage's scripts, in load order. */
  scripts: readonly string[];
}

/** The stage's scripts, in load order (public/js/live/). */
export const LIVE_SCRIPTS = [
  '/static/js/json-api.js',
  '/static/js/live/live-connection.js',
  '/static/js/live/live-peers.js',
  '/static/js/live/live-media.js',
  '/static/js/live/live-stage.js',
  '/static/js/live/live-participants.js',
  '/static/js/live/live-room.js',
];
