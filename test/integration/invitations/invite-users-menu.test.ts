import { sandboxLaunch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/** The three-dots menu's Invite users item: the same people as Manage guest access (docs/product.md §13). */
const WINDOW_TEXTS = [
  '<h2 id="invite-users-title">Invite users</h2>',
  '<label for="invite-people">Names and email addresses</label>',
  'Ada Lovelace &lt;ada@example.com&gt;',
  '<label for="invite-role-viewer">Viewer</label>',
  '<label for="invite-role-speaker">Speaker</label>',
  '<label for="invite-role-moderator">Moderator</label>',
  'Session starts',
  'Expires',
  'Email is not configured on this server: copy each link and send it yourself.',
  'Invited people wait in the lobby',
  'If they are in the room, they are removed from it at once.',
];

function menuItems(html: string): string[] {
  const menu = /<ul class="menu-list"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...menu.matchAll(/role="menuitem"[^>]*>([^<]+)</g)].map((match) => match[1]!.trim());
}

describe('the media page’s Invite users item', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('gives hosts the item right after Manage guest access, with its window and script', async () => {
    const host = await sandboxLaunch(server, { user: 'instructor' });
    const items = menuItems(host.html);
    expect(items.indexOf('Invite users')).toBe(items.indexOf('Manage guest access') + 1);
    for (const text of WINDOW_TEXTS) expect(host.html).toContain(text);
    expect(host.html).toContain('/static/js/invite-users.js');
  });

  it('gives moderators the item too, and students nothing of it', async () => {
    const moderator = await sandboxLaunch(server, { user: 'teaching-assistant' });
    expect(menuItems(moderator.html)).toContain('Invite users');
    const student = await sandboxLaunch(server, { user: 'student' });
    expect(menuItems(student.html)).not.toContain('Invite users');
    expect(student.html).not.toContain('invite-users');
  });

  it('shows the item disabled, with why, in media gallery rooms', async () => {
    const host = await sandboxLaunch(server, { placement: 'bio-101/media-gallery' });
    expect(host.html).toMatch(
      /data-menu-action="invite-users" aria-disabled="true" aria-describedby="menu-note-invite-users">Invite users/,
    );
    expect(host.html).toContain(
      '<span class="menu-note" id="menu-note-invite-users">Invite users is not supported for media gallery rooms.</span>',
    );
    expect(host.html).not.toContain('invite-users.js');
  });
});

describe('Invite users where the platform turns the modules off or keeps links to hosts', () => {
  it('has no item when the mediapage feature is off', async () => {
    const server = await startTestServer({
      env: { SANDBOX_SETTINGS: JSON.stringify({ modules: { invitetomedia: true, mediapage: false } }) },
    });
    try {
      const host = await sandboxLaunch(server);
      expect(menuItems(host.html)).not.toContain('Invite users');
      expect(host.html).not.toContain('invite-users.js');
    } finally {
      await server.close();
    }
  });

  it('gives it to the host but not other moderators when only hosts create links', async () => {
    const server = await startTestServer({
      env: { SANDBOX_SETTINGS: JSON.stringify({ linkCreators: 'hosts' }) },
    });
    try {
      const host = await sandboxLaunch(server, { user: 'instructor' });
      expect(menuItems(host.html)).toContain('Invite users');
      const moderator = await sandboxLaunch(server, { user: 'co-instructor' });
      expect(menuItems(moderator.html)).not.toContain('Invite users');
    } finally {
      await server.close();
    }
  });
});
