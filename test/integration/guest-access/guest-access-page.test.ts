import { apiFor } from '../../helpers/api';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';
import { postPage } from '../../helpers/launched-pages';

const WINDOW_TEXTS = [
  '<h2 id="guest-access-title">Manage guest access</h2>',
  'Allow link-based access without sign-in. Up to 3 guest links available.',
  'Enable guest access',
  '<th scope="col">Link name</th>',
  '<th scope="col">Expiration date</th>',
  '<th scope="col"># of clicks</th>',
  '<th scope="col">Actions</th>',
  'Create new link',
  'Allow anyone with this link to access the media without signing in.',
  'Link Name <span aria-hidden="true">*</span>',
  '<label for="link-clicks"># of clicks</label>',
  'Limit how many times this link can be accessed.',
  '<label for="link-duration">Duration</label>',
  'Day/s',
  '>Cancel</button>',
  '>Create</button>',
  "Deleted links can't be restored.",
];

function menuItems(html: string): string[] {
  const menu = /<ul class="menu-list"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...menu.matchAll(/role="menuitem"[^>]*>([^<]+)</g)].map((match) => match[1]!.trim());
}

describe('the media page’s guest access items', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('gives hosts the three-dots menu item and both windows with the article’s wording', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor' });
    expect(menuItems(host.html)).toEqual([
      'Manage guest access',
      'Invite users',
      'Room settings',
      'End the live session for everyone',
      'Open in new window',
    ]);
    for (const text of WINDOW_TEXTS) expect(host.html).toContain(text);
    expect(host.html).toContain('role="switch"');
    expect(host.html).toContain('/static/js/guest-access.js');
    expect(host.html).toContain(`data-room-id="${host.roomId}"`);
  });

  it('gives moderators the item too', async () => {
    const moderator = await sandboxLaunch(server, { user: 'teaching-assistant' });
    expect(menuItems(moderator.html)).toContain('Manage guest access');
  });

  it('shows students none of it', async () => {
    const student = await sandboxLaunch(server, { user: 'student' });
    expect(menuItems(student.html)).toEqual(['Open in new window']);
    expect(student.html).not.toContain('Manage guest access');
    expect(student.html).not.toContain('guest-access.js');
    expect(student.html).not.toContain('Create new link');
  });

  it('shows the item disabled, with its explanation, in media gallery rooms', async () => {
    const host = await sandboxLaunch(server, { placement: 'bio-101/media-gallery' });
    expect(host.html).toMatch(
      /data-menu-action="manage-guest-access" aria-disabled="true" aria-describedby="menu-note-manage-guest-access">Manage guest access/,
    );
    expect(host.html).toContain(
      '<span class="menu-note" id="menu-note-manage-guest-access">Guest access is not supported for media gallery rooms.</span>',
    );
    expect(host.html).not.toContain('guest-access.js');
  });

  it('lists each link’s guest access group, read-only, with its warning, on the settings page', async () => {
    const host = await sandboxLaunch(server, { placement: 'hist-210/office-hours' });
    const api = apiFor(host);
    await api.enable();
    await api.post('/guest-links', { name: 'Guest speakers <b>' }).expect(201);
    const settings = await postPage(server, host, `/rooms/${host.roomId}/settings`).expect(200);
    expect(settings.text).toContain('Do not delete these groups, as this may affect guest access.');
    expect(settings.text).toContain('value="Guest access: Guest speakers &lt;b&gt;"');
    expect(settings.text).toMatch(/type="text" readonly value="Guest access: Guest speakers/);
  });
});

describe('a platform with the mediapage feature off', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      env: { SANDBOX_SETTINGS: JSON.stringify({ modules: { invitetomedia: true, mediapage: false } }) },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('has no menu item and answers the API with 403 FEATURE_DISABLED', async () => {
    const host = await sandboxLaunch(server);
    expect(menuItems(host.html)).not.toContain('Manage guest access');
    const response = await apiFor(host).get('/guest-access').expect(403);
    expect(response.body.error.code).toBe('FEATURE_DISABLED');
    expect((await apiFor(host).put('/guest-access', { enabled: true })).body.error.code).toBe(
      'FEATURE_DISABLED',
    );
  });
});

describe('a platform where only hosts create links', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { SANDBOX_SETTINGS: JSON.stringify({ linkCreators: 'hosts' }) } });
  });

  afterAll(async () => {
    await server.close();
  });

  it('lets the host manage links but not other moderators', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor' });
    expect(menuItems(host.html)).toContain('Manage guest access');
    await apiFor(host).enable();
    const moderator = await sandboxLaunch(server, { user: 'co-instructor' });
    expect(moderator.roomId).toBe(host.roomId);
    expect(menuItems(moderator.html)).not.toContain('Manage guest access');
    const refused = await apiFor(moderator).post('/guest-links', { name: 'Mine' }).expect(403);
    expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('host') });
  });
});
