import { launchContextFromLtijs } from '../../../src/lti/claims';
import { truncateCodePoints } from '../../../src/text';

function tokenWith(userInfo: Record<string, unknown>, launchPresentation: Record<string, unknown> = {}) {
  return {
    iss: 'https://lms.example',
    clientId: 'tool',
    user: 'u1',
    userInfo,
    platformContext: { context: { id: 'c1' }, resource: { id: 'r1' }, launchPresentation },
  };
}

describe('launch claims', () => {
  it('drops an email address or locale too long to be real instead of cutting it', () => {
    const launch = launchContextFromLtijs(
      tokenWith({ email: `${'e'.repeat(300)}@example.edu` }, { locale: 'x'.repeat(36) }),
    );
    expect(launch.userEmail).toBeNull();
    expect(launch.locale).toBeNull();
    expect(launchContextFromLtijs(tokenWith({ email: 'ada@example.edu' })).userEmail).toBe('ada@example.edu');
  });

  it('shortens a name built from given and family names too', () => {
    const launch = launchContextFromLtijs(
      tokenWith({ given_name: 'G'.repeat(150), family_name: 'F'.repeat(150) }),
    );
    expect(launch.userName).toBe(`${'G'.repeat(150)} ${'F'.repeat(49)}`);
  });
});

describe('truncateCodePoints', () => {
  it('never leaves half of a surrogate pair', () => {
    expect(truncateCodePoints('ab😀😀', 3)).toBe('ab😀');
    expect(truncateCodePoints('ab😀', 3)).toBe('ab😀');
    const cut = truncateCodePoints(`a${'😀'.repeat(5)}`, 4);
    expect(Buffer.from(cut).toString()).toBe(cut);
  });
});
