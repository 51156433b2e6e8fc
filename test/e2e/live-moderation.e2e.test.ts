import type { Browser } from 'playwright-core';
import type { TestServer } from '../helpers/test-server';
import { checkScreen, launchBrowser, launchFromSandbox, newContext, startE2eServer } from './helpers/browser';
import { participantId } from './helpers/live';

/** A launched student removed from the stage stays out until a moderator lets them back in. */
describe('removing a launched user and letting them back in', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ fakeMedia: true })]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('keeps the student off the stage until the host lets them back in', async () => {
    const host = await launchFromSandbox(await (await newContext(browser, server)).newPage(), server, {
      placement: 'hist-210/office-hours',
    });
    await participantId(host);
    const student = await launchFromSandbox(await (await newContext(browser, server)).newPage(), server, {
      user: 'student',
      placement: 'hist-210/office-hours',
    });
    await participantId(student);

    await host.getByRole('button', { name: /^Participants/ }).click();
    await host.getByRole('button', { name: 'Actions for Sam Student' }).click();
    await host.getByRole('button', { name: 'Remove Sam Student' }).click();
    const confirm = host.getByRole('alertdialog', { name: 'Remove from the session?' });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await student
      .locator('#stage-notice', { hasText: 'A moderator removed you from this live session.' })
      .waitFor();
    await host.locator('#removed-users', { hasText: 'Sam Student' }).waitFor();
    await checkScreen(host, 'live-removed-users');

    await student.reload();
    await student.getByText('A moderator removed you from this live session.', { exact: false }).waitFor();
    expect(await student.locator('[data-live-stage]').count()).toBe(0);

    await host.getByRole('button', { name: 'Let back in Sam Student' }).click();
    await host.locator('#removed-users').waitFor({ state: 'hidden' });
    await student.reload();
    await participantId(student);
  });
});
