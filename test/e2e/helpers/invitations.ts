import type { Browser, Locator, Page } from 'playwright-core';
import type { InvitedPerson } from '../../helpers/invitees';
import type { TestServer } from '../../helpers/test-server';
import { newContext } from './browser';
import { participantId } from './live';

/** Opens the three-dots menu (if closed) and chooses Invite users; resolves once the list is loaded. */
export async function openInviteUsers(page: Page): Promise<Locator> {
  const dialog = page.locator('#invite-users-dialog');
  if (await dialog.isVisible()) return dialog;
  if ((await page.locator('#room-menu-button').getAttribute('aria-expanded')) !== 'true')
    await page.locator('#room-menu-button').click();
  await page.getByRole('menuitem', { name: 'Invite users' }).click();
  await dialog.waitFor();
  await page.waitForSelector('#invite-submit:not([disabled])');
  return dialog;
}

export type InviteRoleLabel = 'Viewer' | 'Speaker' | 'Moderator';

/** Pastes the lines, picks the role and presses the window's submit button (Send invitations or Create links). */
export async function invite(dialog: Locator, lines: string[], role: InviteRoleLabel): Promise<void> {
  await dialog.getByLabel('Names and email addresses').fill(lines.join('\n'));
  await dialog.getByRole('radio', { name: role, exact: true }).check();
  await dialog.locator('#invite-submit').click();
}

/** The invitation's row (a card at phone width) in the window's list. */
export function invitationRow(dialog: Locator, name: string): Locator {
  return dialog.locator('#invite-body tr', { hasText: name });
}

/** The personal link in an email's text: PUBLIC_URL/i/<24-character token>. */
export function linkInEmail(text: string): string {
  const match = /https?:\/\/\S+\/i\/[A-Za-z0-9_-]{24}/.exec(text);
  if (!match) throw new Error(`No invitation link in the email:\n${text}`);
  return match[0];
}

/** Fills in the personal link's confirmation page and presses Join session. */
export async function confirmInvitation(page: Page, email: string): Promise<void> {
  await page.getByLabel('Confirm your email').fill(email);
  await page.getByRole('button', { name: 'Join session' }).click();
}

/**
 * The invitee's own browser, holding the pass their claim gave them, on their room page once
 * it is connected to the live stage; resolves with the page and its participant id.
 */
export async function openInviteeRoom(
  browser: Browser,
  server: TestServer,
  roomId: string,
  person: InvitedPerson,
): Promise<{ page: Page; id: string }> {
  const context = await newContext(browser, server);
  const [name, value] = person.cookie.split(/=(.*)/s) as [string, string];
  await context.addCookies([{ name, value, url: server.url }]);
  const page = await context.newPage();
  await page.goto(`${server.url}/guest/rooms/${roomId}`);
  return { page, id: await participantId(page) };
}
