import type { GuestAccessStore } from '../guest-access/guest-access.store';
import type { GuestStore } from '../guests/guest.store';
import type { InvitationStore } from '../invitations/invitation.store';
import type { LiveEventChannel } from '../live/live-events';
import type { LiveStore } from '../live/live.store';
import type { RoomEventChannel } from '../rooms/room-events';
import type { LoginStateStore } from '../lti/login-state.store';
import type { LtiDatabase } from '../lti/provider';
import type { PlatformStore } from '../platforms/platform.store';
import type { RoomStore } from '../rooms/room.store';
import type { SandboxKeyStore } from '../sandbox/sandbox-key.store';

/** Every store the tool uses, on one backend. Feature code sees only these interfaces. */
export interface Storage {
  readonly backend: 'pglite' | 'postgres' | 'mongodb';
  readonly platforms: PlatformStore;
  readonly rooms: RoomStore;
  readonly guestAccess: GuestAccessStore;
  readonly guests: GuestStore;
  /** Invite users: personal invitations with a role, and their invitees' claims. */
  readonly invitations: InvitationStore;
  /** Lobby changes, delivered to every instance sharing this database. */
  readonly lobbyEvents: RoomEventChannel;
  /** Who is connected to each room's live session. */
  readonly live: LiveStore;
  /** Live presence and signalling, delivered to every instance sharing this database. */
  readonly liveEvents: LiveEventChannel;
  readonly loginStates: LoginStateStore;
  readonly sandboxKeys: SandboxKeyStore;
  readonly ltiDatabase: LtiDatabase;
  /** Resolves when the database answers; rejects otherwise. */
  ping(): Promise<void>;
  /** Deletes rows whose time to live has passed, and guest log entries past their platform's retention. */
  purgeExpired(): Promise<void>;
  close(): Promise<void>;
}
