import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { JWTPayload } from 'jose';
import type { TestServer } from './test-server';

export type Agent = TestAgent;

export interface LaunchOptions {
  user?: 'instructor' | 'co-instructor' | 'teaching-assistant' | 'student';
  /** course/link, e.g. "bio-101/live-session", "bio-101/media-gallery", "bio-101/deep-linking". */
  placement?: string;
  deployment?: 'registered' | 'unregistered';
  /** Reuse a browser (cookie jar) across launches. */
  agent?: Agent;
  /** The launch's locale (launch_presentation.locale), e.g. "es-ES"; the sandbox sends en-US without it. */
  locale?: string;
  /** A sandbox launch link's query as it is (e.g. from the Deep Linking result page). */
  query?: URLSearchParams;
}

export interface AuthRequest {
  agent: Agent;
  url: URL;
  state: string;
  nonce: string;
  redirectUri: string;
}

export interface Launch {
  agent: Agent;
  status: number;
  html: string;
  ltik: string;
  roomId: string;
}

function pathOf(location: string): string {
  const url = new URL(location, 'http://placeholder');
  return `${url.pathname}${url.search}`;
}

export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`No hidden field ${name} in:\n${html.slice(0, 500)}`);
  return match[1]!.replace(/&#34;/g, '"').replace(/&amp;/g, '&');
}

/** Steps 1–2 of the OIDC flow: the LMS sends the browser to /lti/login, which redirects to the LMS. */
export async function beginLogin(server: TestServer, options: LaunchOptions = {}): Promise<AuthRequest> {
  const agent = options.agent ?? request.agent(server.url);
  const query =
    options.query ??
    new URLSearchParams({
      user: options.user ?? 'instructor',
      placement: options.placement ?? 'bio-101/live-session',
      deployment: options.deployment ?? 'registered',
      ...(options.locale ? { locale: options.locale } : {}),
    });
  const toLogin = await agent.get(`/sandbox/launch?${query}`).expect(302);
  const toAuth = await agent.get(pathOf(toLogin.headers.location!));
  if (toAuth.status !== 302) throw new Error(`Login answered ${toAuth.status}: ${toAuth.text.slice(0, 300)}`);
  const url = new URL(toAuth.headers.location!);
  return {
    agent,
    url,
    state: url.searchParams.get('state')!,
    nonce: url.searchParams.get('nonce')!,
    redirectUri: url.searchParams.get('redirect_uri')!,
  };
}

/** Step 3 as the sandbox does it: its auth endpoint answers with a signed id_token. */
export async function sandboxIdToken(auth: AuthRequest): Promise<string> {
  const response = await auth.agent.get(pathOf(auth.url.toString())).expect(200);
  return hiddenField(response.text, 'id_token');
}

/** Step 3 with the sandbox's claims changed: for refusal tests. */
export async function tamperedIdToken(
  server: TestServer,
  auth: AuthRequest,
  change: (claims: JWTPayload) => JWTPayload,
): Promise<string> {
  const genuine = await sandboxIdToken(auth);
  const claims = JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString()) as JWTPayload;
  return server.runtime.sandbox!.signIdToken(change(claims));
}

/** Step 4: the browser posts the id_token to the tool. */
export function postIdToken(auth: AuthRequest, idToken: string, state = auth.state) {
  return auth.agent.post('/lti/launch').type('form').send({ id_token: idToken, state });
}

/** The whole launch, as a browser in the sandbox does it, ending on the media page. */
export async function sandboxLaunch(server: TestServer, options: LaunchOptions = {}): Promise<Launch> {
  const auth = await beginLogin(server, options);
  const page = await postIdToken(auth, await sandboxIdToken(auth));
  if (page.status >= 300 && page.status < 400)
    throw new Error(`Launch answered ${page.status}: ${page.text.slice(0, 400)}`);
  // The launch answers with the media page itself; the ltik is in the page, never in a URL.
  const ltik =
    (/data-ltik="([^"]+)"/.exec(page.text) ?? /name="ltik" value="([^"]+)"/.exec(page.text))?.[1] ?? '';
  const roomId = /data-room-id="([^"]+)"/.exec(page.text)?.[1] ?? '';
  return { agent: auth.agent, status: page.status, html: page.text, ltik, roomId };
}
