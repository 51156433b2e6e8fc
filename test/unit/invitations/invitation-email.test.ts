import { composeInvitationEmail, utcTime } from '../../../src/invitations/invitation-email';
import { invitationEmailInput } from '../../helpers/invitation-email-input';

const input = invitationEmailInput();

describe('the invitation email', () => {
  it('names who invited them, the session and the course in the subject', () => {
    expect(composeInvitationEmail(input).subject).toBe(
      'Grace Hopper invited you to “Week 3 live session” (Biology 101)',
    );
    expect(composeInvitationEmail({ ...input, inviterName: null, courseTitle: null }).subject).toBe(
      'You are invited to “Week 3 live session”',
    );
  });

  it('is addressed to the invitee', () => {
    expect(composeInvitationEmail(input).to).toEqual({ name: 'Ada Lovelace', address: 'ada@example.com' });
  });

  it('says in plain text who, what, the role and its rights, the link, that it is personal, and the times in UTC', () => {
    const { text } = composeInvitationEmail(input);
    expect(text).toContain('Hello Ada Lovelace,');
    expect(text).toContain(
      'Grace Hopper invited you to the live session “Week 3 live session” of the course Biology 101.',
    );
    expect(text).toContain(
      'Your role: Speaker. You can watch, listen and raise your hand, and also turn on your camera and microphone and share your screen.',
    );
    expect(text).toContain('\nhttps://guestlink.example.edu/i/abcdefghijklmnopqrstuvwx\n');
    expect(text).toContain('the first browser that confirms your email address (ada@example.com) keeps it');
    expect(text).toContain('Starts: Monday 7 December 2026, 15:30 UTC (2026-12-07T15:30:00Z)');
    expect(text).toContain('The link expires: Monday 7 December 2026, 17:00 UTC (2026-12-07T17:00:00Z)');
  });

  it.each([
    ['viewer', 'Your role: Viewer. You can watch, listen and raise your hand.'],
    ['moderator', 'Your role: Moderator.'],
  ] as const)('explains what a %s may do', (role, words) => {
    const { text, html } = composeInvitationEmail({ ...input, role });
    expect(text).toContain(words);
    if (role === 'moderator') expect(text).toContain('let people in from the lobby and manage the room');
    if (role === 'viewer') expect(text).not.toContain('camera');
    expect(html).toContain(role === 'viewer' ? 'Your role: Viewer.' : 'Your role: Moderator.');
  });

  it('leaves out the times nobody set', () => {
    const { text, html } = composeInvitationEmail({ ...input, expiresAt: null, startsAt: null });
    expect(text).not.toMatch(/Starts:|expires/);
    expect(html).not.toMatch(/Starts:|expires/);
  });

  it('has an HTML part with the same facts and a button to the link', () => {
    const { html } = composeInvitationEmail(input);
    expect(html).toMatch(
      /<a href="https:\/\/guestlink\.example\.edu\/i\/abcdefghijklmnopqrstuvwx" style="[^"]*">Join the session<\/a>/,
    );
    expect(html).toContain(
      'Grace Hopper invited you to the live session “Week 3 live session” of the course Biology 101.',
    );
    expect(html).toContain('2026-12-07T15:30:00Z');
    expect(html).toContain('Your role: Speaker.');
  });

  it('escapes every value in the HTML part', () => {
    const { html } = composeInvitationEmail({
      ...input,
      invitee: { name: '<img src=x onerror=alert(1)>', email: 'ada@example.com' },
      courseTitle: 'Bio & "Chem" <script>alert(1)</script>',
      sessionTitle: '<b>Week 3</b>',
      inviterName: "O'Hara <hr>",
      url: 'https://guestlink.example.edu/i/a"onmouseover="alert(1)',
    });
    expect(html).not.toMatch(/<img|<script|<b>|<hr>|"onmouseover/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Bio &amp; &#34;Chem&#34; &lt;script&gt;');
  });

  it('keeps line breaks and control characters in LMS titles and names out of the subject and the lines', () => {
    const mail = composeInvitationEmail({
      ...input,
      invitee: { name: 'Ada\r\nBcc: evil@example.com', email: 'ada@example.com' },
      courseTitle: 'Biology 101\r\nBcc: evil@example.com',
      sessionTitle: 'Week 3\u2028X-Injected: yes\u0000',
      inviterName: 'Grace\nHopper',
    });
    // eslint-disable-next-line no-control-regex
    expect(mail.subject).not.toMatch(/[\r\n\u2028\u0000]/);
    expect(mail.subject).toBe(
      'Grace Hopper invited you to “Week 3 X-Injected: yes” (Biology 101 Bcc: evil@example.com)',
    );
    expect(mail.to.name).toBe('Ada Bcc: evil@example.com');
    expect(mail.text).not.toMatch(/^Bcc:/m);
    expect(mail.text).not.toMatch(/^X-Injected/m);
  });

  it('keeps a subject of very long titles readable', () => {
    const mail = composeInvitationEmail({
      ...input,
      courseTitle: 'B'.repeat(400),
      sessionTitle: 'S'.repeat(400),
    });
    expect(Array.from(mail.subject).length).toBeLessThanOrEqual(200);
  });
});

describe('utcTime', () => {
  it('writes a time for people in any time zone: the day, the UTC clock and the ISO time', () => {
    expect(utcTime(new Date('2026-01-02T03:04:05.678Z'))).toBe(
      'Friday 2 January 2026, 03:04 UTC (2026-01-02T03:04:05Z)',
    );
  });
});
