import { inEnglish } from '../../../src/i18n/translator';
import {
  clicksBelowUsedMessage,
  createLinkInput,
  editAuditDetails,
  editLinkInput,
  expiryFor,
  guestAccessGroupName,
  linkCountText,
  linkNameKey,
  linkStatus,
  limitCoversUsed,
  type GuestLink,
} from '../../../src/guest-access/guest-link';
import {
  GuestLinkTokens,
  INVITATION_LINKS,
  isWellFormedToken,
  tokenHash,
} from '../../../src/guest-access/guest-link-token';

const now = new Date('2026-04-16T12:00:00Z');

describe('guest link rules', () => {
  it.each([
    [{ expiresAt: null, clickLimit: null, clicksUsed: 5 }, true, 'active'],
    [{ expiresAt: null, clickLimit: null, clicksUsed: 5 }, false, 'inactive'],
    [{ expiresAt: new Date('2026-04-16T11:59:59Z'), clickLimit: null, clicksUsed: 0 }, true, 'expired'],
    [{ expiresAt: new Date('2026-04-16T12:00:00Z'), clickLimit: null, clicksUsed: 0 }, true, 'expired'],
    [{ expiresAt: new Date('2026-04-17T12:00:00Z'), clickLimit: 2, clicksUsed: 2 }, true, 'used-up'],
    [{ expiresAt: null, clickLimit: 2, clicksUsed: 1 }, true, 'active'],
    [{ expiresAt: new Date('2026-04-01T00:00:00Z'), clickLimit: 2, clicksUsed: 2 }, false, 'expired'],
    [{ expiresAt: null, clickLimit: 2, clicksUsed: 2 }, false, 'used-up'],
  ] as const)('status of %p with access on=%p is %s', (link, on, status) => {
    expect(linkStatus(link, on, now)).toBe(status);
  });

  it('counts links as the window says it', () => {
    expect([0, 1, 2, 3].map(linkCountText)).toEqual(['No links added', '1 link', '2 links', '3 links']);
  });

  it('expires a link N whole days after creation', () => {
    expect(expiryFor(now, 7)!.toISOString()).toBe('2026-04-23T12:00:00.000Z');
    expect(expiryFor(now, null)).toBeNull();
  });

  it('compares names without case or extra spaces', () => {
    expect(linkNameKey('  Guest   Speakers ')).toBe(linkNameKey('guest speakers'));
    expect(linkNameKey('Café')).toBe(linkNameKey('Cafe\u0301'));
  });

  it('names a link’s guest access group after it', () => {
    expect(guestAccessGroupName({ name: 'Guest speakers' })).toBe('Guest access: Guest speakers');
  });

  it('validates the create window’s fields', () => {
    expect(createLinkInput.parse({ name: ' A ', clicks: null })).toEqual({ name: 'A', clicks: null });
    expect(createLinkInput.safeParse({ name: 'A', clicks: 5.5 }).success).toBe(false);
    expect(createLinkInput.safeParse({ name: 'A\u2028B' }).success).toBe(false);
  });
});

describe('editing a guest link', () => {
  it('keeps what an edit leaves out, clears with null, and needs something to change', () => {
    expect(editLinkInput.parse({ name: ' Panel ' })).toEqual({ name: 'Panel' });
    expect(editLinkInput.parse({ clicks: null, durationDays: 3 })).toEqual({ clicks: null, durationDays: 3 });
    expect(editLinkInput.safeParse({}).success).toBe(false);
    expect(editLinkInput.safeParse({ clicks: undefined }).success).toBe(false);
    expect(editLinkInput.safeParse({ name: null }).success).toBe(false);
    expect(editLinkInput.safeParse({ clicksUsed: 0 }).success).toBe(false);
  });

  it('never lets a limit fall below the clicks already used', () => {
    expect(limitCoversUsed(null, 40)).toBe(true);
    expect(limitCoversUsed(3, 3)).toBe(true);
    expect(limitCoversUsed(2, 3)).toBe(false);
    expect(inEnglish(clicksBelowUsedMessage(3))).toBe(
      '# of clicks must be at least 3: 3 guests already used this link.',
    );
    expect(inEnglish(clicksBelowUsedMessage(1))).toBe(
      '# of clicks must be at least 1: 1 guest already used this link.',
    );
  });

  it('audits only the fields that changed', () => {
    const before: GuestLink = {
      id: 'l1',
      roomId: 'r1',
      name: 'Old',
      tokenSeed: 's',
      clickLimit: 4,
      clicksUsed: 2,
      expiresAt: new Date('2026-05-01T00:00:00Z'),
      createdBy: 'u',
      createdByName: null,
      createdAt: now,
    };
    expect(editAuditDetails(before, { ...before, name: 'New', expiresAt: null })).toEqual({
      linkId: 'l1',
      linkName: 'New',
      clicksUsed: 2,
      changed: { name: { from: 'Old', to: 'New' }, expiresAt: { from: before.expiresAt, to: null } },
    });
  });
});

describe('guest link tokens', () => {
  const tokens = new GuestLinkTokens(
    'a-very-long-app-secret-for-the-unit-test-1234',
    'https://guestlink.example.edu',
  );

  it('mints 24-character URL-safe tokens from a random seed', () => {
    const minted = tokens.mint();
    expect(isWellFormedToken(minted.token)).toBe(true);
    expect(minted.hash).toBe(tokenHash(minted.token));
    expect(tokens.tokenOf(minted.seed)).toBe(minted.token);
    expect(tokens.urlOf(minted.seed)).toBe(`https://guestlink.example.edu/g/${minted.token}`);
    expect(tokens.mint().token).not.toBe(minted.token);
  });

  it('needs the app secret to turn a stored seed into a token', () => {
    const minted = tokens.mint();
    const other = new GuestLinkTokens(
      'another-app-secret-for-the-unit-test-abcdefgh',
      'https://guestlink.example.edu',
    );
    expect(other.tokenOf(minted.seed)).not.toBe(minted.token);
  });

  it('derives personal invitation links with their own key and path', () => {
    const invitations = new GuestLinkTokens(
      'a-very-long-app-secret-for-the-unit-test-1234',
      'https://guestlink.example.edu',
      INVITATION_LINKS,
    );
    const minted = invitations.mint();
    expect(isWellFormedToken(minted.token)).toBe(true);
    expect(invitations.urlOf(minted.seed)).toBe(`https://guestlink.example.edu/i/${minted.token}`);
    // The same seed never makes a guest link's token: one kind of link cannot open the other.
    expect(tokens.tokenOf(minted.seed)).not.toBe(minted.token);
  });

  it.each(['', 'short', 'x'.repeat(25), 'abc$efghijklmnopqrstuvwx', 'abcdefghijklmnopqrstuvw/'])(
    'rejects %p',
    (token) => {
      expect(isWellFormedToken(token)).toBe(false);
    },
  );
});
