import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../helpers/test-server';

export const CHROMIUM_PATH = process.env.E2E_CHROMIUM_PATH || '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const SCREENSHOTS_DIR = path.join(__dirname, '..', 'screenshots');

/** Many guests join from one loopback address here: keep the abuse limits out of the flows. */
export const E2E_ENV = {
  GUEST_JOINS_PER_IP_PER_MINUTE: '100000',
  GUEST_JOINS_PER_LINK_PER_MINUTE: '100000',
  GUEST_PAGES_PER_IP_PER_MINUTE: '100000',
};

/** The real tool on PGlite with the LMS sandbox, listening on 127.0.0.1. */
export function startE2eServer(env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer({ env: { ...E2E_ENV, ...env } });
}

/**
 * Chromium's fake camera (a moving test pattern), fake microphone (a beep) and fake
 * screen for the live session; peer connections on loopback; receive-only pages offering
 * real host candidates instead of mDNS names; sound that plays without a click.
 */
export const FAKE_MEDIA_FLAGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

/** Debian's Chromium, headless, with a fresh temporary profile for each launch. */
export function launchBrowser(options: { fakeMedia?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(options.fakeMedia ? FAKE_MEDIA_FLAGS : []),
    ],
  });
}

/** A separate browser profile (cookies, storage) at desktop size, allowed to use the clipboard. */
export async function newContext(
  browser: Browser,
  server?: TestServer,
  options: { timezoneId?: string } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP, ...options });
  if (server) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  context.setDefaultTimeout(10_000);
  return context;
}

export interface SandboxChoice {
  user?: 'instructor' | 'co-instructor' | 'teaching-assistant' | 'student';
  /** course/link, e.g. "bio-101/live-session". */
  placement?: string;
  /** The launch's language (launch_presentation.locale), e.g. "es-ES"; the sandbox's en-US otherwise. */
  locale?: string;
}

/**
 * Opens the LMS sandbox, picks a user and a placement and uses "Launch in a new window":
 * the real OIDC flow runs in the browser and the popup ends on the room's media page.
 */
export async function launchFromSandbox(
  page: Page,
  server: TestServer,
  choice: SandboxChoice = {},
): Promise<Page> {
  await page.goto(`${server.url}/sandbox`);
  await page.selectOption('#sb-user', choice.user ?? 'instructor');
  await page.selectOption('#sb-placement', choice.placement ?? 'bio-101/live-session');
  if (choice.locale) await page.selectOption('#sb-locale', choice.locale);
  // Found by its value: the sandbox's words follow the browser's language.
  const [popup] = await Promise.all([
    page.context().waitForEvent('page'),
    page.locator('button[name="target"][value="window"]').click(),
  ]);
  await popup.waitForURL(/\/lti\/launch|\/rooms\//);
  await popup.locator('main.room[data-room-id]').waitFor();
  await popup.setViewportSize(DESKTOP);
  return popup;
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * Runs axe-core on the page as it is now and fails on serious or critical violations.
 * Guestlink's CSP allows only its own scripts, so an inline script tag is refused:
 * axe is then evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) {
    try {
      await page.addScriptTag({ content: AXE_SOURCE });
    } catch {
      // Refused by the Content-Security-Policy: fall back below.
    }
    if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  }
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  )) as AxeViolation[];
  if (process.env.E2E_AXE_REPORT)
    for (const v of violations)
      process.stdout.write(`axe ${screen}: ${v.impact} ${v.id} (${v.nodes.length})\n`);
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help}\n` +
      v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n'),
  );
  if (report.length) throw new Error(`Accessibility violations on ${screen}:\n${report.join('\n')}`);
}

/**
 * Saves the screen at desktop (1280×800) and phone (390×844) width under
 * test/e2e/screenshots/<name>-desktop.png and -phone.png, then restores the page's size.
 */
export async function captureScreen(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const original = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}-desktop.png`), animations: 'disabled' });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}-phone.png`), animations: 'disabled' });
  await page.setViewportSize(original);
}

/** Checks a screen with axe, then photographs it at both widths. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await captureScreen(page, name);
}

/** The media page's own API call: the ltik in the Authorization header. */
export function callApi(
  scope: Pick<Page, 'evaluate'>,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  return scope.evaluate(
    async ([method, path, body]) => {
      const main = document.querySelector('main[data-room-id]') as HTMLElement;
      const response = await fetch(`/api/rooms/${main.dataset.roomId}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${main.dataset.ltik}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return response.status === 204 ? null : response.json();
    },
    [method, path, body] as const,
  );
}

/** A JSON request from inside a page, with that page's own credentials. */
export function fetchJsonFrom(
  page: Page,
  path: string,
  init: { method: string; headers?: Record<string, string>; body?: unknown },
) {
  return page.evaluate(
    async ([url, options]) => {
      const response = await fetch(url, {
        method: options.method,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...options.headers },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      return {
        status: response.status,
        body: (await response.json().catch(() => null)) as Record<string, unknown>,
      };
    },
    [path, init] as const,
  );
}
