import type { Locator, Page } from 'playwright-core';

/** Opens the three-dots menu (if closed) and chooses Manage guest access; resolves once the window is loaded. */
export async function openGuestAccess(page: Page): Promise<Locator> {
  const dialog = page.locator('#guest-access-dialog');
  if (await dialog.isVisible()) return dialog;
  if ((await page.locator('#room-menu-button').getAttribute('aria-expanded')) !== 'true')
    await page.locator('#room-menu-button').click();
  await page.getByRole('menuitem', { name: 'Manage guest access' }).click();
  await dialog.waitFor();
  await page.waitForSelector('#guest-access-toggle:not([disabled])');
  return dialog;
}

/** Fills in the entry page and presses Join. */
export async function joinAsGuest(page: Page, name: string, email: string): Promise<void> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Join' }).click();
}
