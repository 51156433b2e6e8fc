import { launchDisplayName, roleWord, unnamedModeratorLabel, userTag } from '../../../src/lti/display-name';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2';
const student = [`${LIS}/membership#Learner`, `${LIS}/institution/person#Student`];
const instructor = [`${LIS}/membership#Instructor`, `${LIS}/institution/person#Faculty`];

describe('a launched user’s display name', () => {
  it('is the name the platform sent', () => {
    expect(
      launchDisplayName({ platformId: 'p', userId: 'u1', userName: 'Ada Lovelace', roles: instructor }),
    ).toBe('Ada Lovelace');
  });

  it('is a role word and a four-character tag when no name was sent', () => {
    const shown = launchDisplayName({ platformId: 'p', userId: 'u1', userName: null, roles: student });
    expect(shown).toMatch(/^Student [0-9A-F]{4}$/);
    expect(launchDisplayName({ platformId: 'p', userId: 'u1', userName: null, roles: instructor })).toMatch(
      /^Instructor [0-9A-F]{4}$/,
    );
  });

  it('tells two unnamed students apart, and is the same for one person every time', () => {
    const first = launchDisplayName({ platformId: 'p', userId: 'student-1', userName: null, roles: student });
    const second = launchDisplayName({
      platformId: 'p',
      userId: 'student-2',
      userName: null,
      roles: student,
    });
    expect(first).not.toBe(second);
    expect(launchDisplayName({ platformId: 'p', userId: 'student-1', userName: null, roles: student })).toBe(
      first,
    );
  });

  it('derives the tag from platform and user: the same id on another platform is another person', () => {
    expect(userTag('platform-a', 'u1')).not.toBe(userTag('platform-b', 'u1'));
    expect(userTag('platform-a', 'u1')).toBe(userTag('platform-a', 'u1'));
  });

  it('names the most specific role, in any accepted spelling', () => {
    expect(roleWord([`${LIS}/membership/Instructor#TeachingAssistant`, `${LIS}/membership#Instructor`])).toBe(
      'Teaching assistant',
    );
    expect(roleWord(['Instructor'])).toBe('Instructor');
    expect(roleWord(['urn:lti:role:ims/lis/Learner'])).toBe('Student');
    expect(roleWord([`${LIS}/system/person#Administrator`])).toBe('Administrator');
    expect(roleWord([`${LIS}/membership#Mentor`])).toBe('Mentor');
    expect(roleWord([])).toBe('Participant');
    expect(roleWord(['http://example.com/custom-role'])).toBe('Participant');
  });

  it('labels a stored unnamed actor as a moderator with the same tag', () => {
    const tag = userTag('p', 'u1');
    expect(unnamedModeratorLabel('p', 'u1')).toBe(`Moderator ${tag}`);
  });
});
