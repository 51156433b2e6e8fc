import type { Browser, Page } from 'playwright-core';
import { userTag } from '../../src/lti/display-name';
import { platformIdFor } from '../../src/platforms/platform';
import { SANDBOX_PLATFORM, SANDBOX_USERS } from '../../src/sandbox/sample-data';
import type { TestServer } from '../helpers/test-server';
import {
  captureScreen,
  DESKTOP,
  launchBrowser,
  launchFromSandbox,
  newContext,
  startE2eServer,
} from './helpers/browser';
import { participantId } from './helpers/live';

const tagOf = (key: string) =>
  userTag(
    platformIdFor(SANDBOX_PLATFORM.issuer, SANDBOX_PLATFORM.clientId),
    SANDBOX_USERS.find((u) => u.key === key)!.id,
  );

/** The sandbox's "User fields to send": the launch leaves the name out, as a Blackboard administrator can. */
async function launchWithoutName(
  page: Page,
  server: TestServer,
  user: string,
  placement: string,
): Promise<Page> {
  await page.goto(`${server.url}/sandbox`);
  await page.selectOption('#sb-user', user);
  await page.selectOption('#sb-placement', placement);
  await page.getByLabel('Withhold the name').check();
  const [popup] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Launch in a new window' }).click(),
  ]);
  await popup.locator('main.room[data-room-id]').waitFor();
  await popup.setViewportSize(DESKTOP);
  return popup;
}

describe('people whose platform sent no name, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ fakeMedia: true })]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows them by role and tag in the participants list', async () => {
    const placement = 'hist-210/office-hours';
    const host = await launchFromSandbox(await (await newContext(browser, server)).newPage(), server, {
      placement,
    });
    await participantId(host);
    const student = await launchWithoutName(
      await (await newContext(browser, server)).newPage(),
      server,
      'student',
      placement,
    );
    await expect(student.locator('.who strong').textContent()).resolves.toBe(`Student ${tagOf('student')}`);
    await participantId(student);
    const colleague = await launchWithoutName(
      await (await newContext(browser, server)).newPage(),
      server,
      'co-instructor',
      placement,
    );
    await participantId(colleague);

    await host.getByRole('button', { name: /^Participants/ }).click();
    const panel = host.locator('#participants-panel');
    await panel.getByText(`Student ${tagOf('student')}`, { exact: true }).waitFor();
    await panel.getByText(`Instructor ${tagOf('co-instructor')}`, { exact: true }).waitFor();
    await panel.getByText('Ada Lovelace', { exact: false }).first().waitFor();
    await captureScreen(host, 'participants-unnamed');
  });
});
