import type { Browser, BrowserContext, Locator, Page, Route } from 'playwright-core';
import { openGuestAccess } from './helpers/guestlink';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';
import type { TestServer } from '../helpers/test-server';
import {
  checkScreen,
  DESKTOP,
  expectAccessible,
  launchBrowser,
  launchFromSandbox,
  newContext,
  PHONE,
  startE2eServer,
} from './helpers/browser';
import {
  confirmInvitation,
  invitationRow,
  invite,
  linkInEmail,
  openInviteUsers,
} from './helpers/invitations';
import { participantId, waitForMedia } from './helpers/live';

// Not UTC, so a time shown in UTC instead of the viewer's zone would fail.
const VIEWER_ZONE = 'America/New_York';

/** What sticks out sideways in the window on top at phone width. */
async function sideways(page: Page): Promise<number> {
  return (await page.evaluate(`(() => {
    const open = Array.from(document.querySelectorAll('dialog[open]')).pop();
    const box = open.getBoundingClientRect();
    const wrap = open.querySelector('.table-wrap');
    return open.scrollWidth - open.clientWidth + Math.max(0, box.right - window.innerWidth) +
      (wrap ? wrap.scrollWidth - wrap.clientWidth : 0);
  })()`)) as number;
}

/**
 * Records in the page, by its own clock, when each watched thing first shows (a text, or a
 * visible element). Watches and times live in sessionStorage, so they survive the page
 * reloading or navigating: the script runs again on the next document, which may be the
 * reloaded room or a message page.
 */
const SEEN_AT = `(() => {
  const check = () => {
    if (!document.body) return;
    const watches = JSON.parse(sessionStorage.getItem('seen-watches') || '{}');
    for (const [key, watch] of Object.entries(watches)) {
      if (sessionStorage.getItem('seen:' + key)) continue;
      const seen = watch.text
        ? document.body.innerText.includes(watch.text)
        : Array.from(document.querySelectorAll(watch.selector)).some((node) => node.checkVisibility());
      if (seen) sessionStorage.setItem('seen:' + key, String(Date.now()));
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  document.addEventListener('DOMContentLoaded', check);
})();`;

type Watch = { text: string } | { selector: string };

/** Starts watching the page for these (SEEN_AT), forgetting earlier watches. */
async function watchFor(page: Page, watches: Record<string, Watch>): Promise<void> {
  await page.evaluate((value) => {
    Object.keys(sessionStorage)
      .filter((key) => key.startsWith('seen:'))
      .forEach((key) => sessionStorage.removeItem(key));
    sessionStorage.setItem('seen-watches', value);
  }, JSON.stringify(watches));
}

/** When the page first showed the watched thing, by the page's own clock. */
async function seenAt(page: Page, key: string): Promise<number> {
  const handle = await page.waitForFunction((name) => sessionStorage.getItem(`seen:${name}`), key, {
    timeout: 10_000,
  });
  return Number(await handle.jsonValue());
}

/**
 * Records, by the page's own clock, when the next event of this type reaches the page (a
 * click, a change): the moment the instructor acted, without the test driver's own delays.
 */
async function markNext(page: Page, type: string): Promise<() => Promise<number>> {
  await page.evaluate((eventType) => {
    const marks = window as unknown as { __actedAt?: number };
    delete marks.__actedAt;
    document.addEventListener(eventType, () => (marks.__actedAt = Date.now()), { capture: true, once: true });
  }, type);
  return async () =>
    (await (
      await page.waitForFunction(() => (window as unknown as { __actedAt?: number }).__actedAt ?? null)
    ).jsonValue()) as number;
}

/**
 * The "done when", in a real browser: an instructor in the sandbox invites three
 * people with different roles, the test's SMTP server receives their emails, each person opens
 * the link from their email in their own browser and gets exactly their role's rights; revoke
 * and role change act at once. Each test continues from the previous one's state.
 */
describe('Invite users in real browsers, with a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  let browser: Browser;
  let host: Page;
  let dialog: Locator;
  let roomId = '';
  let hostId = '';
  const contexts: BrowserContext[] = [];
  const pages: Record<string, Page> = {};
  const ids: Record<string, string> = {};

  const PEOPLE = {
    speaker: { name: 'Sam Speaker', email: 'sam.speaker@example.org' },
    viewer: { name: 'Vic Viewer', email: 'vic.viewer@example.org' },
    moderator: { name: 'Moderator, Mo', email: 'mo.moderator@example.org' },
  };

  async function inviteeContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: DESKTOP, timezoneId: VIEWER_ZONE });
    context.setDefaultTimeout(10_000);
    await context.addInitScript(SEEN_AT);
    contexts.push(context);
    return context;
  }

  function emailTo(address: string): { text: string; subject: string } {
    const message = smtp.received.find((each) => each.envelope.to.includes(address));
    if (!message) throw new Error(`No email to ${address}`);
    return message;
  }

  /** The invitee opens the link from their email, confirms their address and enters the room. */
  async function enter(who: keyof typeof PEOPLE): Promise<Page> {
    const person = PEOPLE[who];
    const page = await (await inviteeContext()).newPage();
    const response = await page.goto(linkInEmail(emailTo(person.email).text));
    expect(response!.status()).toBe(200);
    if (who === 'speaker') await checkScreen(page, 'invite-users-confirm');
    await confirmInvitation(page, person.email.toUpperCase());
    await page.waitForURL(`${server.url}/guest/rooms/${roomId}`);
    ids[who] = await participantId(page);
    pages[who] = page;
    return page;
  }

  beforeAll(async () => {
    smtp = await startSmtpServer();
    [server, browser] = await Promise.all([
      startE2eServer({ SMTP_URL: smtp.url, MAIL_FROM: 'Guestlink <guestlink@example.edu>' }),
      launchBrowser({ fakeMedia: true }),
    ]);
    const instructor = await newContext(browser, server, { timezoneId: VIEWER_ZONE });
    contexts.push(instructor);
    host = await launchFromSandbox(await instructor.newPage(), server, {
      user: 'instructor',
      placement: 'bio-101/live-session',
    });
    roomId = (await host.locator('main.room').getAttribute('data-room-id'))!;
    hostId = await participantId(host);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('invites a speaker, a viewer and a moderator from pasted lines, and sends each one email', async () => {
    dialog = await openInviteUsers(host);
    expect(await dialog.locator('#invite-email-notice').isVisible()).toBe(false);
    expect(await dialog.locator('#invite-submit').textContent()).toBe('Send invitations');
    await checkScreen(host, 'invite-users-empty');

    await invite(dialog, [`${PEOPLE.speaker.name} <${PEOPLE.speaker.email}>`], 'Speaker');
    await dialog.locator('#invite-results-heading', { hasText: 'Sent to 1 person.' }).waitFor();
    // Two lines as a mail client pastes them, one quoted "Last, First": both become viewers.
    await invite(
      dialog,
      [`${PEOPLE.viewer.name} <${PEOPLE.viewer.email}>`, `"Moderator, Mo" <${PEOPLE.moderator.email}>`],
      'Viewer',
    );
    await dialog.locator('#invite-results-heading', { hasText: 'Sent to 2 people.' }).waitFor();
    const results = dialog.locator('#invite-results-list li');
    expect(await results.allTextContents()).toEqual([
      expect.stringContaining('Sent'),
      expect.stringContaining('Sent'),
    ]);
    expect(await dialog.getByLabel('Names and email addresses').inputValue()).toBe('');

    // Change role, immediate: Mo is a moderator before the link is opened.
    await invitationRow(dialog, 'Moderator, Mo')
      .getByRole('combobox', { name: 'Role of Moderator, Mo' })
      .selectOption('moderator');
    await host
      .locator('#announcer', { hasText: 'Moderator, Mo is now a Moderator' })
      .waitFor({ state: 'attached' });
    expect(await invitationRow(dialog, 'Moderator, Mo').getByRole('combobox').inputValue()).toBe('moderator');

    await smtp.waitFor(3);
    expect(smtp.received.flatMap((message) => message.envelope.to).sort()).toEqual(
      [PEOPLE.moderator.email, PEOPLE.speaker.email, PEOPLE.viewer.email].sort(),
    );
    for (const person of Object.values(PEOPLE)) {
      const { text } = emailTo(person.email);
      expect(linkInEmail(text).startsWith(`${server.url}/i/`)).toBe(true);
      expect(emailTo(person.email).subject).not.toBe('');
    }

    expect(await dialog.locator('#invite-count').textContent()).toBe('3 active · at most 500');
    for (const name of [PEOPLE.speaker.name, PEOPLE.viewer.name, 'Moderator, Mo']) {
      const row = invitationRow(dialog, name);
      expect(await row.locator('td[data-label="Status"]').textContent()).toBe('Not opened');
      expect(await row.locator('td[data-label="Email"]').textContent()).toBe('Sent');
      expect(await row.locator('td[data-label="Last joined"]').textContent()).toBe('Never');
    }
    await checkScreen(host, 'invite-users');
    await host.setViewportSize(PHONE);
    expect(await sideways(host)).toBe(0);
    await host.setViewportSize(DESKTOP);
    await dialog.getByRole('button', { name: 'Close' }).last().click();
  });

  it('lets the speaker in with the camera: the others receive its frames', async () => {
    const speaker = await enter('speaker');
    await speaker.getByRole('button', { name: 'Camera' }).click();
    await speaker.locator('#toggle-camera[aria-pressed="true"]').waitFor();
    await waitForMedia(host, { publisher: ids.speaker, timeoutMs: 5000, audio: false });
  });

  it('lets the viewer in without camera control; a forged offer is refused with 403', async () => {
    const viewer = await enter('viewer');
    await waitForMedia(viewer, { publisher: ids.speaker, timeoutMs: 5000, audio: false });
    expect(await viewer.locator('#presenter-controls').isVisible()).toBe(false);
    expect(await viewer.getByRole('button', { name: 'Camera' }).count()).toBe(0);
    const csrf = (await viewer.locator('[data-live-stage]').getAttribute('data-csrf'))!;
    const forged = await viewer.evaluate(
      async ([url, token, participant, link]) => {
        const pc = new RTCPeerConnection();
        pc.addTransceiver('video', { direction: 'sendonly' });
        const offer = await pc.createOffer();
        pc.close();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
          body: JSON.stringify({
            participant,
            signal: { type: 'offer', link, sdp: offer.sdp, tracks: { '0': 'camera' } },
          }),
        });
        return response.status;
      },
      [`/guest/rooms/${roomId}/live/signal`, csrf, ids.viewer, `${ids.viewer}~${hostId}`] as const,
    );
    expect(forged).toBe(403);
  });

  it('gives the moderator the moderation controls', async () => {
    const moderator = await enter('moderator');
    // The lobby panel, with its switch, as hosts have it.
    await moderator.locator('#lobby-panel').waitFor();
    await moderator.getByRole('switch', { name: 'Guests wait for a moderator to admit them' }).waitFor();
    await moderator.getByRole('button', { name: /^Participants/ }).click();
    await moderator.getByRole('button', { name: `Actions for ${PEOPLE.viewer.name}` }).click();
    await moderator.getByRole('button', { name: `Remove ${PEOPLE.viewer.name}` }).waitFor();
    await moderator.getByRole('button', { name: /^Participants/ }).click();
  });

  it('shows invited people in the guest log with their role where guests show the link', async () => {
    const manage = await openGuestAccess(host);
    await manage.getByRole('button', { name: 'Guest log' }).click();
    const log = host.getByRole('dialog', { name: 'Guest log' });
    const row = log.locator('#guest-log-body tr', { hasText: PEOPLE.speaker.name });
    await row.waitFor();
    expect(await row.locator('td[data-label="Link"]').textContent()).toBe('Invitation · Speaker');
    expect(
      await log
        .locator('#guest-log-body tr', { hasText: 'Moderator, Mo' })
        .locator('td[data-label="Link"]')
        .textContent(),
    ).toBe('Invitation · Moderator');
    await log.getByRole('button', { name: 'Close' }).last().click();
    await manage.getByRole('button', { name: 'Close' }).first().click();
  });

  it('lists who joined, with their last join in the viewer’s time', async () => {
    dialog = await openInviteUsers(host);
    const row = invitationRow(dialog, PEOPLE.speaker.name);
    expect(await row.locator('td[data-label="Status"]').textContent()).toBe('Joined');
    const joined = row.locator('td[data-label="Last joined"] time');
    const iso = (await joined.getAttribute('datetime'))!;
    expect(await joined.textContent()).toBe(
      new Date(iso).toLocaleString('en-US', {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: VIEWER_ZONE,
      }),
    );
  });

  it('makes the viewer a speaker at once: their page comes back with the camera control', async () => {
    const viewer = pages.viewer!;
    await watchFor(viewer, {
      told: { text: 'Your role in this session changed' },
      camera: { selector: '#toggle-camera' },
    });
    const changedAt = await markNext(host, 'change');
    await invitationRow(dialog, PEOPLE.viewer.name)
      .getByRole('combobox', { name: `Role of ${PEOPLE.viewer.name}` })
      .selectOption('speaker');
    // At once: the server ends the viewer's connection and their page says why (the issue: "within
    // a second or two"; 0.3–1.3 s measured here under the load described below).
    const changed = await changedAt();
    expect((await seenAt(viewer, 'told')) - changed).toBeLessThan(2000);
    // Then the page reloads itself and reconnects with the speaker's rights. A page load with
    // fake media took 1.3–5 s here (2 cores, five test runs at once, load 12–18); the target on
    // an ordinary machine is a second or two.
    expect((await seenAt(viewer, 'camera')) - changed).toBeLessThan(6000);
    expect(await viewer.getByRole('button', { name: 'Camera' }).isEnabled()).toBe(true);
  });

  it('revokes the viewer after a confirmation naming them: their page says so within 1 s', async () => {
    const viewer = pages.viewer!;
    // The speaker's and the moderator's browsers are done: closed, so the two cores this runs on
    // measure Guestlink rather than their video.
    await Promise.all([pages.speaker!.context().close(), pages.moderator!.context().close()]);
    await watchFor(viewer, { withdrawn: { text: 'Your invitation was withdrawn' } });
    await invitationRow(dialog, PEOPLE.viewer.name)
      .getByRole('button', { name: `Revoke invitation of ${PEOPLE.viewer.name}` })
      .click();
    const confirm = host.getByRole('alertdialog', { name: 'Revoke this invitation?' });
    await confirm.getByText(`${PEOPLE.viewer.name}’s link stops working now.`, { exact: false }).waitFor();
    expect(await confirm.textContent()).toContain('removed from it at once');
    await checkScreen(host, 'invite-users-revoke');
    const revokedAt = await markNext(host, 'click');
    await confirm.getByRole('button', { name: 'Revoke invitation' }).click();
    expect((await seenAt(viewer, 'withdrawn')) - (await revokedAt())).toBeLessThan(1000);

    const row = invitationRow(dialog, PEOPLE.viewer.name);
    await row.locator('td[data-label="Status"]', { hasText: 'Revoked' }).waitFor();
    expect(await row.getByRole('button', { name: /^Copy link/ }).count()).toBe(0);
    expect(await dialog.locator('#invite-count').textContent()).toBe('2 active · at most 500');
    // The focus stays in the window.
    expect(await host.evaluate('document.activeElement.closest("#invite-users-dialog") !== null')).toBe(true);
  });

  it('shows a refused send as "Not sent: <reason>" with Retry, and nothing that failed as sent', async () => {
    smtp.refuse({ code: 550, message: 'No such user here', recipient: 'rita@example.org' });
    await invite(dialog, ['Rita Refused <rita@example.org>'], 'Viewer');
    await dialog
      .locator('#invite-results-heading', { hasText: 'Not sent: see why below, then Retry.' })
      .waitFor();
    const result = dialog.locator('#invite-results-list li', { hasText: 'Rita Refused' });
    await result.scrollIntoViewIfNeeded();
    const outcome = (await result.locator('.invite-result-outcome').textContent())!;
    expect(outcome).toMatch(/^Not sent: .*550/);
    expect(
      await invitationRow(dialog, 'Rita Refused').locator('td[data-label="Email"]').textContent(),
    ).toMatch(/^Not sent: /);
    await checkScreen(host, 'invite-users-not-sent');

    smtp.refuse(null);
    const before = smtp.received.length;
    await result.getByRole('button', { name: 'Retry sending to Rita Refused' }).click();
    await dialog.locator('#invite-results-list li', { hasText: 'Rita Refused' }).getByText('Sent').waitFor();
    await smtp.waitFor(before + 1);
    expect(smtp.received[before]!.envelope.to).toEqual(['rita@example.org']);
    await invitationRow(dialog, 'Rita Refused')
      .locator('td[data-label="Email"]', { hasText: /^Sent$/ })
      .waitFor();
  });
});

/** Without SMTP_URL: links to copy, and errors at the field they concern. */
describe('Invite users without email, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let host: Page;
  let dialog: Locator;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
    const instructor = await newContext(browser, server, { timezoneId: VIEWER_ZONE });
    host = await launchFromSandbox(await instructor.newPage(), server, {
      user: 'instructor',
      placement: 'hist-210/office-hours',
    });
    dialog = await openInviteUsers(host);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says email is not configured and creates links to copy', async () => {
    await dialog
      .locator('#invite-email-notice', {
        hasText: 'Email is not configured on this server: copy each link and send it yourself.',
      })
      .waitFor();
    expect(await dialog.locator('#invite-submit').textContent()).toBe('Create links');
    // An expiry typed in the viewer's own zone: 10:00 in New York, three days from now.
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const offset = /GMT([+-]\d+)/.exec(
      new Intl.DateTimeFormat('en-US', { timeZone: VIEWER_ZONE, timeZoneName: 'shortOffset' }).format(
        new Date(`${day}T12:00:00Z`),
      ),
    )![1]!;
    const expiresAt = new Date(Date.parse(`${day}T10:00:00Z`) - Number(offset) * 3_600_000).toISOString();
    await dialog.getByLabel(/^Expires/).fill(`${day}T10:00`);
    await invite(dialog, ['Ada Lovelace <ada@example.com>'], 'Speaker');
    await dialog.locator('#invite-results-heading', { hasText: '1 link created' }).waitFor();
    const until = invitationRow(dialog, 'Ada Lovelace').locator('td[data-label="Status"] time');
    expect(await until.getAttribute('datetime')).toBe(expiresAt);
    expect(await until.textContent()).toContain('10:00');
    expect(await dialog.locator('#invite-results-list').textContent()).toContain('Link created');
    expect(await dialog.locator('#invite-results-list').textContent()).not.toContain('Sent');
    const row = invitationRow(dialog, 'Ada Lovelace');
    expect(await row.locator('td[data-label="Email"]').textContent()).toBe('Not emailed: copy the link');
    expect(await row.getByRole('button', { name: /^Resend/ }).count()).toBe(0);

    await row.getByRole('button', { name: 'Copy link for Ada Lovelace' }).click();
    await row.locator('.copy-feedback', { hasText: 'Link copied' }).waitFor();
    const url = String(await host.evaluate('navigator.clipboard.readText()'));
    expect(url).toMatch(new RegExp(`^${server.url}/i/[A-Za-z0-9_-]{24}$`));
    expect(await row.getByRole('textbox', { name: 'Link for Ada Lovelace' }).inputValue()).toBe(url);
    await checkScreen(host, 'invite-users-no-email');
  });

  it('shows the server’s refusal at the pasted list, focused and described', async () => {
    const people = dialog.getByLabel('Names and email addresses');
    await invite(dialog, ['Grace Hopper <grace@example.com>', 'Bad Line <not-an-address>'], 'Viewer');
    await dialog.locator('#invite-people-error', { hasText: 'Line 2:' }).waitFor();
    expect(await people.getAttribute('aria-invalid')).toBe('true');
    expect(await people.getAttribute('aria-describedby')).toContain('invite-people-error');
    expect(await host.evaluate('document.activeElement.id')).toBe('invite-people');
    await expectAccessible(host, 'invite-users with an error');

    await invite(dialog, ['Ada L. <ADA@example.com>'], 'Viewer');
    await dialog.locator('#invite-people-error', { hasText: 'already has an invitation' }).waitFor();
    expect(await dialog.locator('#invite-body tr').count()).toBe(1);
  });

  it('keeps the pasted list read-only while it is sent: it is cleared afterwards', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route): Promise<void> => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    };
    await host.route('**/api/rooms/*/invitations', hold);
    const people = dialog.getByLabel('Names and email addresses');
    await invite(dialog, ['Katherine Johnson <katherine@example.com>'], 'Viewer');
    await dialog.locator('#invite-submit[disabled]').waitFor();
    await people.focus();
    await host.keyboard.type('Next <next@example.com>');
    expect(await people.inputValue()).toBe('Katherine Johnson <katherine@example.com>');
    release();
    await dialog.locator('#invite-results-list li', { hasText: 'Katherine Johnson' }).waitFor();
    await host.unroute('**/api/rooms/*/invitations', hold);
    expect(await people.inputValue()).toBe('');
    expect(await people.isEditable()).toBe(true);
  });

  it('selects the link and says how to copy it when the clipboard is blocked', async () => {
    await host.evaluate(`(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('Blocked', 'NotAllowedError'));
      document.execCommand = () => false;
    })()`);
    await invitationRow(dialog, 'Ada Lovelace')
      .getByRole('button', { name: 'Copy link for Ada Lovelace' })
      .click();
    await dialog
      .getByRole('alert')
      .getByText(
        'Your browser blocked copying. The link is selected: press Ctrl+C (Cmd+C on a Mac) to copy it.',
      )
      .waitFor();
    expect(await host.evaluate('document.activeElement.getAttribute("aria-label")')).toBe(
      'Link for Ada Lovelace',
    );
  });

  it('turns "Invited people wait in the lobby" on and off', async () => {
    const toggle = dialog.getByRole('switch', { name: 'Invited people wait in the lobby' });
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    await host.waitForSelector('#invitees-wait-toggle[aria-checked="true"]:not([disabled])');
    await dialog.getByRole('button', { name: 'Close' }).last().click();
    dialog = await openInviteUsers(host);
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
  });

  it('answers Esc: the revoke question keeps the invitation, the window hands focus back', async () => {
    await invitationRow(dialog, 'Ada Lovelace')
      .getByRole('button', { name: 'Revoke invitation of Ada Lovelace' })
      .click();
    const confirm = host.getByRole('alertdialog', { name: 'Revoke this invitation?' });
    await confirm.waitFor();
    expect(await host.evaluate('document.activeElement.textContent')).toBe('Cancel');
    await host.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    expect(await host.evaluate('document.activeElement.getAttribute("aria-label")')).toBe(
      'Revoke invitation of Ada Lovelace',
    );
    expect(await invitationRow(dialog, 'Ada Lovelace').locator('.status-badge').textContent()).toBe(
      'Not opened',
    );
    await host.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // The window's close event (after it is hidden) hands focus to the three-dots button.
    await host.waitForFunction(() => document.activeElement?.id === 'room-menu-button', undefined, {
      timeout: 2000,
    });
    dialog = await openInviteUsers(host);
  });

  it('wraps a long unbroken name instead of pushing the actions out of the window', async () => {
    // With no name, the address's local part (here 80 characters once cut) stands in for it.
    await invite(dialog, [`${'b'.repeat(100)}@example.org`], 'Viewer');
    await dialog.locator('#invite-results-list li', { hasText: 'bbbb' }).waitFor();
    expect(await sideways(host)).toBe(0);
  });

  it('shows one card per invitation at phone width, every action in view', async () => {
    await host.setViewportSize(PHONE);
    await expectAccessible(host, 'invite-users at phone width');
    expect(await sideways(host)).toBe(0);
    for (const label of ['Copy link for', 'Revoke invitation of']) {
      const action = invitationRow(dialog, 'Ada Lovelace').getByRole('button', {
        name: `${label} Ada Lovelace`,
      });
      const box = (await action.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    await host.setViewportSize(DESKTOP);
  });

  it('says when older invitations are not listed, and still lists the ones that work', async () => {
    await dialog.locator('[data-close]').first().click();
    const roomId = await host.locator('main[data-room-id]').getAttribute('data-room-id');
    // A thousand revoked invitations, newer than Ada's, which still works.
    await server.sql.query(
      `INSERT INTO invitations (id, room_id, token_seed, token_hash, name, email, email_key, role, created_by,
                                created_at, revoked_at)
       SELECT 'old-' || n, $1, 'seed', 'hash-' || n, 'Old', 'old' || n || '@example.org', 'old' || n || '@example.org',
              'viewer', 'teacher', now() + interval '1 second', now()
       FROM generate_series(1, 1000) AS n`,
      [roomId],
    );
    const [{ total }] = (await server.sql.query<{ total: number }>(
      'SELECT count(*)::int AS total FROM invitations WHERE room_id = $1',
      [roomId],
    )) as [{ total: number }];
    dialog = await openInviteUsers(host);
    await dialog
      .locator('#invite-older', {
        hasText: `Showing the newest 1,000 of ${total.toLocaleString('en-US')} invitations, with every active one.`,
      })
      .waitFor();
    // Ada, Katherine and the long name, all older than the thousand.
    expect(await dialog.locator('#invite-count').textContent()).toBe('3 active · at most 500');
    expect(await invitationRow(dialog, 'Ada Lovelace').count()).toBe(1);
    expect(await invitationRow(dialog, 'Katherine Johnson').count()).toBe(1);
    expect(await invitationRow(dialog, 'bbbb').count()).toBe(1);
  }, 60_000);
});
