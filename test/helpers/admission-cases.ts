import type { JoinRefusal } from '../../src/guests/guest.store';
import type { Room } from '../../src/rooms/room';
import type { Storage } from '../../src/storage';

/**
 * The guest-admission rules as one table. They are held in three places — accessProblem
 * (src/guests/guest.ts) over what each store reads, the SQL view and join function
 * (src/storage/postgres/routines/), and the MongoDB store — and
 * test/integration/guests/admission.test.ts runs every case through the entry page, the join
 * and the re-check of an admitted guest on every backend, so a rule missing anywhere fails.
 */

/** A refusal as the guest sees it: the message page's status and title (guests/guest-errors.ts). */
export const REFUSAL_PAGES: Record<JoinRefusal, { status: number; title: string }> = {
  'unknown-link': { status: 404, title: 'This link is no longer valid' },
  'link-invalid': { status: 410, title: 'This link is no longer valid' },
  'guest-access-off': { status: 403, title: 'Guest access is turned off' },
  'room-unavailable': { status: 410, title: 'This session is no longer available' },
  'lobby-full': { status: 503, title: 'The lobby is full' },
};

/** Changes the tests make on the raw database, for states no store method reaches. */
export interface AdmissionBackdoor {
  expireLink(linkId: string): Promise<void>;
  deleteRoom(roomId: string): Promise<void>;
  /** Changes the room's platform registration; resolves to what restores it. */
  changePlatform(
    roomId: string,
    change: 'inactive' | 'deployment-removed' | 'invitetomedia-off' | 'mediapage-off',
  ): Promise<() => Promise<void>>;
}

export interface AdmissionWorld {
  /** The running tool's own stores. */
  storage: Storage;
  backdoor: AdmissionBackdoor;
  room: Room;
  linkId: string;
  actor: { userId: string; name: string };
  /** Lets one guest join and wait in the lobby (the lobby holds one: LOBBY_CAPACITY=1). */
  fillLobby(): Promise<void>;
  /** A stranger joins through the lobby and is denied, or leaves it, before getting in. */
  strangerTurnedAway(how: 'denied' | 'left'): Promise<void>;
}

export interface Arranged {
  /** Restores what outlives the case's own room and link (its platform). */
  undo?: () => Promise<void>;
  /** The guests of the case use this token instead of the link's. */
  token?: string;
}

export interface AdmissionCase {
  name: string;
  /** The case's link's click limit; each case has its own room and link. */
  clickLimit?: number;
  /**
   * Runs after one guest was admitted and a second opened the entry page: puts the link,
   * room or platform in the case's state.
   */
  arrange(world: AdmissionWorld): Promise<Arranged | void>;
  /** A new guest opening the link: the form, or a refusal page. */
  entry: 'form' | JoinRefusal;
  /** The guest whose form was already open submitting it. */
  join: 'enters' | JoinRefusal;
  /** The guest admitted before the change reloading the room page. */
  recheck: 'stays' | JoinRefusal;
  /**
   * A guest who got in and left before the change pressing "Join again" (issue 12): the
   * recheck's rules, except that they hold their click. Also checked: it counts no click.
   */
  comeBack?: 'enters' | JoinRefusal;
}

/** What "Join again" meets in a case: the re-check's refusals; no click limit, no second click. */
export function comeBackOutcome(admission: AdmissionCase): 'enters' | JoinRefusal {
  return admission.comeBack ?? (admission.recheck === 'stays' ? 'enters' : admission.recheck);
}

const turnAccessOff = (world: AdmissionWorld) =>
  world.storage.guestAccess.setEnabled(world.room.id, false, world.actor).then(() => undefined);

export const ADMISSION_CASES: AdmissionCase[] = [
  { name: 'allowed', arrange: async () => undefined, entry: 'form', join: 'enters', recheck: 'stays' },
  {
    name: 'unknown link',
    arrange: async () => ({ token: 'nOsUcHlInKnOsUcHlInK0000' }),
    entry: 'unknown-link',
    join: 'unknown-link',
    recheck: 'stays',
  },
  {
    name: 'guest access turned off for the room',
    arrange: turnAccessOff,
    entry: 'guest-access-off',
    join: 'guest-access-off',
    recheck: 'guest-access-off',
  },
  {
    name: 'Invite to Media module off',
    arrange: async (world) => ({
      undo: await world.backdoor.changePlatform(world.room.id, 'invitetomedia-off'),
    }),
    entry: 'guest-access-off',
    join: 'guest-access-off',
    recheck: 'guest-access-off',
  },
  {
    name: 'Media page module off',
    arrange: async (world) => ({ undo: await world.backdoor.changePlatform(world.room.id, 'mediapage-off') }),
    entry: 'guest-access-off',
    join: 'guest-access-off',
    recheck: 'guest-access-off',
  },
  {
    name: 'room relaunched as a media gallery',
    arrange: async ({ storage, room, actor }) => {
      await storage.rooms.openForLaunch({
        ...room,
        roomType: 'media-gallery',
        hostCandidate: actor,
        launcherUserId: actor.userId,
        launcherName: actor.name,
        lobbyDefault: false,
      });
    },
    entry: 'guest-access-off',
    join: 'guest-access-off',
    recheck: 'guest-access-off',
  },
  {
    name: 'room deleted',
    arrange: (world) => world.backdoor.deleteRoom(world.room.id),
    entry: 'room-unavailable',
    join: 'room-unavailable',
    recheck: 'room-unavailable',
  },
  {
    name: 'platform no longer registered',
    arrange: async (world) => ({ undo: await world.backdoor.changePlatform(world.room.id, 'inactive') }),
    entry: 'room-unavailable',
    join: 'room-unavailable',
    recheck: 'room-unavailable',
  },
  {
    name: 'deployment no longer allowed',
    arrange: async (world) => ({
      undo: await world.backdoor.changePlatform(world.room.id, 'deployment-removed'),
    }),
    entry: 'room-unavailable',
    join: 'room-unavailable',
    recheck: 'room-unavailable',
  },
  {
    name: 'link deleted',
    arrange: async ({ storage, room, linkId, actor }) => {
      await storage.guestAccess.deleteLink(room.id, linkId, actor);
    },
    entry: 'link-invalid',
    join: 'link-invalid',
    recheck: 'link-invalid',
  },
  {
    name: 'link expired',
    arrange: (world) => world.backdoor.expireLink(world.linkId),
    entry: 'link-invalid',
    join: 'link-invalid',
    recheck: 'link-invalid',
  },
  {
    // The guest who left and the admitted guest used both clicks; a guest already in stays in,
    // and the one who left comes back on the click they hold.
    name: 'click limit reached',
    clickLimit: 2,
    arrange: async () => undefined,
    entry: 'link-invalid',
    join: 'link-invalid',
    recheck: 'stays',
  },
  {
    // The entry page does not count the lobby: only the join can find it full.
    name: 'lobby full',
    arrange: (world) => world.fillLobby(),
    entry: 'form',
    join: 'lobby-full',
    recheck: 'stays',
  },
  // Fair clicks (issue 12): a stranger who never got in gives the click back.
  {
    name: 'click limit reached only by a denied stranger',
    clickLimit: 3,
    arrange: (world) => world.strangerTurnedAway('denied'),
    entry: 'form',
    join: 'enters',
    recheck: 'stays',
  },
  {
    name: 'click limit reached only by a stranger who left the lobby',
    clickLimit: 3,
    arrange: (world) => world.strangerTurnedAway('left'),
    entry: 'form',
    join: 'enters',
    recheck: 'stays',
  },
  // The order of the reasons (accessProblem's): the first that applies is the one shown.
  {
    name: 'room deleted and guest access off: the room is named',
    arrange: async (world) => {
      await turnAccessOff(world);
      await world.backdoor.deleteRoom(world.room.id);
    },
    entry: 'room-unavailable',
    join: 'room-unavailable',
    recheck: 'room-unavailable',
  },
  {
    name: 'guest access off and link expired: the access is named',
    arrange: async (world) => {
      await turnAccessOff(world);
      await world.backdoor.expireLink(world.linkId);
    },
    entry: 'guest-access-off',
    join: 'guest-access-off',
    recheck: 'guest-access-off',
  },
];
