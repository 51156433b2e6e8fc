import type { LobbyNote } from '../rooms/room';
import type { Translator } from '../i18n/translator';

/**
 * What a waiting guest's page shows besides their own status: the moderators' message to
 * the lobby, the latest private message to this guest (both kept side by side, so neither
 * hides the other), and whether a host or moderator is on the room's live stage — null
 * when the room has no live stage (it plays a recording), where nobody can be "in" it.
 */
export interface WaitingPageState {
  lobbyMessage: LobbyNote | null;
  privateMessage: LobbyNote | null;
  moderatorPresent: boolean | null;
}

/** What changed for one waiting page: only the fields named are new. */
export type WaitingPageUpdate = Partial<WaitingPageState>;

/** The sentence under the waiting page's heading: whether anyone can admit the guest yet. */
export function presenceText(i18n: Translator, moderatorPresent: boolean | null): string {
  if (moderatorPresent === null) return i18n.t('guest:waiting.generic');
  return moderatorPresent ? i18n.t('guest:waiting.moderatorHere') : i18n.t('guest:waiting.notStarted');
}

/** The page's state as its script receives it (dates as ISO strings, the sentence worded in the guest's language). */
export function waitingPageView(state: WaitingPageState, i18n: Translator) {
  const note = (value: LobbyNote | null) => value && { text: value.text, at: value.at.toISOString() };
  return {
    lobbyMessage: note(state.lobbyMessage),
    privateMessage: note(state.privateMessage),
    moderatorPresent: state.moderatorPresent,
    presence: presenceText(i18n, state.moderatorPresent),
  };
}

/** The state after an update; the same object when nothing in it changed. */
export function applyWaitingUpdate(state: WaitingPageState, update: WaitingPageUpdate): WaitingPageState {
  const next = { ...state, ...update };
  const same = (a: LobbyNote | null, b: LobbyNote | null) =>
    a === b || (a !== null && b !== null && a.text === b.text && a.at.getTime() === b.at.getTime());
  return same(next.lobbyMessage, state.lobbyMessage) &&
    same(next.privateMessage, state.privateMessage) &&
    next.moderatorPresent === state.moderatorPresent
    ? state
    : next;
}
