import { randomUUID } from 'node:crypto';
import { ForbiddenError, NotFoundError } from '../errors';
import { text, translator, type LocalizedText, type Translator } from '../i18n/translator';
import { guestAccessModulesEnabled } from '../platforms/platform';
import { guestAccessSupported } from '../rooms/room';
import { actorOf, type RoomAccess } from '../lti/room-access.service';
import {
  ClicksBelowUsedError,
  FeatureDisabledError,
  GuestAccessDisabledError,
  LinkLimitReachedError,
  NameTakenError,
  UnsupportedRoomTypeError,
} from './guest-access-errors';
import type { GuestAccessStore } from './guest-access.store';
import {
  clicksBelowUsedMessage,
  guestAccessGroupName,
  linkNameKey,
  linkStatus,
  MAX_LINKS_PER_ROOM,
  type CreateLinkInput,
  type EditLinkInput,
  type GuestLink,
  type LinkStatus,
} from './guest-link';
import { qrCodeSvg } from './guest-link-qr';
import { GuestLinkTokens } from './guest-link-token';
import type { LinkEntryCache } from './link-entry-cache';
import { roomEvent, type RoomEventChannel } from '../rooms/room-events';

const LINK_MISSING = text('guestAccess:errors.linkMissing');
const ROOM_MISSING = text('guestAccess:errors.roomMissing');

export interface GuestLinkView {
  id: string;
  name: string;
  url: string;
  expiresAt: string | null;
  clicksUsed: number;
  clicksLimit: number | null;
  status: LinkStatus;
}

export interface GuestAccessView {
  enabled: boolean;
  maxLinks: typeof MAX_LINKS_PER_ROOM;
  links: GuestLinkView[];
}

/** How the "Manage guest access" menu item appears for one user in one room. */
export type ManageMenuItem =
  { state: 'absent' } | { state: 'disabled'; reason: LocalizedText } | { state: 'enabled' };

/** Guest features need the platform's modules on and a room that supports guests. */
export function guestFeatureAvailable(access: RoomAccess): boolean {
  return guestAccessModulesEnabled(access.platform.settings) && guestAccessSupported(access.room);
}

export function assertGuestFeatureAvailable(access: RoomAccess): void {
  if (!guestAccessModulesEnabled(access.platform.settings)) throw new FeatureDisabledError();
  if (!guestAccessSupported(access.room)) throw new UnsupportedRoomTypeError();
}

export class GuestAccessService {
  constructor(
    private readonly store: GuestAccessStore,
    private readonly tokens: GuestLinkTokens,
    /** Tells waiting guests when access is turned off or their link deleted. */
    private readonly events: RoomEventChannel,
    /** Entry pages cached on this instance; other instances drop theirs on the event. */
    private readonly linkEntries: LinkEntryCache,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Hosts always; moderators unless the platform reserves guest links to hosts. */
  static mayManage(access: Pick<RoomAccess, 'role' | 'platform'>): boolean {
    if (access.role === 'host') return true;
    return access.role === 'moderator' && access.platform.settings.linkCreators === 'hosts-and-moderators';
  }

  /** The menu item of this window, and of every window with the same gating (Invite users). */
  static menuItem(access: RoomAccess): ManageMenuItem {
    if (!GuestAccessService.mayManage(access) || !guestAccessModulesEnabled(access.platform.settings)) {
      return { state: 'absent' };
    }
    if (!guestAccessSupported(access.room)) {
      return { state: 'disabled', reason: text('guestAccess:errors.unsupportedRoomType') };
    }
    return { state: 'enabled' };
  }

  menuItem(access: RoomAccess): ManageMenuItem {
    return GuestAccessService.menuItem(access);
  }

  /**
   * Every check a management request passes, in the order users meet them; `what` is the
   * refusal each window gives a moderator (host-only platforms) and everyone else, whole sentences.
   */
  static authorize(
    access: RoomAccess,
    what: { moderators: LocalizedText; everyone: LocalizedText } = {
      moderators: text('guestAccess:errors.onlyHostManages'),
      everyone: text('guestAccess:errors.onlyModeratorsManage'),
    },
  ): void {
    if (!GuestAccessService.mayManage(access)) {
      throw new ForbiddenError(access.role === 'moderator' ? what.moderators : what.everyone);
    }
    assertGuestFeatureAvailable(access);
  }

  private authorize(access: RoomAccess): void {
    GuestAccessService.authorize(access);
  }

  async view(access: RoomAccess): Promise<GuestAccessView> {
    this.authorize(access);
    return this.currentView(access.room.id);
  }

  async setEnabled(access: RoomAccess, enabled: boolean): Promise<GuestAccessView> {
    this.authorize(access);
    const result = await this.store.setEnabled(access.room.id, enabled, actorOf(access));
    if (!result) throw new NotFoundError(ROOM_MISSING);
    this.linkEntries.forgetRoom(access.room.id);
    if (result.changed) await this.events.publish(roomEvent(access.room.id));
    return this.currentView(access.room.id);
  }

  async createLink(access: RoomAccess, input: CreateLinkInput): Promise<GuestLinkView> {
    this.authorize(access);
    const token = this.tokens.mint();
    const result = await this.store.createLink({
      id: randomUUID(),
      roomId: access.room.id,
      name: input.name,
      nameKey: linkNameKey(input.name),
      tokenSeed: token.seed,
      tokenHash: token.hash,
      clickLimit: input.clicks ?? null,
      durationDays: input.durationDays ?? null,
      actor: actorOf(access),
    });
    if (!result.ok) {
      switch (result.reason) {
        case 'guest-access-disabled':
          throw new GuestAccessDisabledError();
        case 'limit-reached':
          throw new LinkLimitReachedError();
        case 'name-taken':
          throw new NameTakenError();
        case 'room-missing':
          throw new NotFoundError(ROOM_MISSING);
      }
    }
    return this.linkView(result.link, true);
  }

  /** Changes a link's name or limits; its URL and the clicks already used stay. */
  async editLink(access: RoomAccess, linkId: string, input: EditLinkInput): Promise<GuestLinkView> {
    this.authorize(access);
    const result = await this.store.editLink(
      access.room.id,
      linkId,
      {
        ...(input.name === undefined ? {} : { name: input.name, nameKey: linkNameKey(input.name) }),
        clickLimit: input.clicks,
        durationDays: input.durationDays,
      },
      actorOf(access),
    );
    if (!result.ok) {
      switch (result.reason) {
        case 'link-missing':
          throw new NotFoundError(LINK_MISSING);
        case 'name-taken':
          throw new NameTakenError();
        case 'clicks-below-used':
          throw new ClicksBelowUsedError(clicksBelowUsedMessage(result.clicksUsed));
      }
    }
    // Guests opening the link must meet its new limits at once, here and on other instances.
    this.linkEntries.forgetRoom(access.room.id);
    await this.events.publish(roomEvent(access.room.id));
    return this.linkView(result.link, result.guestAccessEnabled);
  }

  /** The link's URL as a QR code, for projecting in a classroom. */
  async linkQrCode(access: RoomAccess, linkId: string): Promise<string> {
    this.authorize(access);
    const state = await this.store.getState(access.room.id);
    const link = state?.links.find((candidate) => candidate.id === linkId);
    if (!link) throw new NotFoundError(LINK_MISSING);
    return qrCodeSvg(this.tokens.urlOf(link.tokenSeed));
  }

  async deleteLink(access: RoomAccess, linkId: string): Promise<void> {
    this.authorize(access);
    const deleted = await this.store.deleteLink(access.room.id, linkId, actorOf(access));
    if (!deleted) throw new NotFoundError(LINK_MISSING);
    this.linkEntries.forgetRoom(access.room.id);
    await this.events.publish(roomEvent(access.room.id));
  }

  /** The read-only guest access groups the settings page lists, one per live link. */
  async groups(access: RoomAccess, i18n: Translator = translator('en')): Promise<string[]> {
    const state = await this.store.getState(access.room.id);
    return (state?.links ?? []).map((link) => guestAccessGroupName(link, i18n));
  }

  private async currentView(roomId: string): Promise<GuestAccessView> {
    const state = await this.store.getState(roomId);
    if (!state) throw new NotFoundError(ROOM_MISSING);
    return {
      enabled: state.enabled,
      maxLinks: MAX_LINKS_PER_ROOM,
      links: state.links.map((link) => this.linkView(link, state.enabled)),
    };
  }

  private linkView(link: GuestLink, guestAccessOn: boolean): GuestLinkView {
    return {
      id: link.id,
      name: link.name,
      url: this.tokens.urlOf(link.tokenSeed),
      expiresAt: link.expiresAt ? link.expiresAt.toISOString() : null,
      clicksUsed: link.clicksUsed,
      clicksLimit: link.clickLimit,
      status: linkStatus(link, guestAccessOn, this.now()),
    };
  }
}
