import { launchDisplayName, unnamedModeratorLabel, userTag } from '../../../src/lti/display-name';
import { translator } from '../../../src/i18n';

/** The role word of an unnamed user's English label ("Student 3F2A" → "Student"). */
function roleWord(roles: string[]): string {
  const tag = userTag('p', 'u');
  return launchDisplayName({ platformId: 'p', userId: 'u', userName: null, roles }).replace(` ${tag}`, '');
}

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

  it('is worded for each reader: the role in their language, the same tag in every language', () => {
    const launch = { platformId: 'p', userId: 'u1', userName: null, roles: ['Learner'] };
    const tag = userTag('p', 'u1');
    expect(launchDisplayName(launch, translator('es'))).toBe(`Estudiante ${tag}`);
    expect(launchDisplayName(launch, translator('de'))).toBe(`Teilnehmer ${tag}`);
    expect(unnamedModeratorLabel('p', 'u1', translator('fr'))).toBe(`Modérateur ${tag}`);
    expect(launchDisplayName(launch, translator('ar'))).toContain(tag);
    // A name the platform sent is never translated.
    expect(launchDisplayName({ ...launch, userName: 'Ada Lovelace' }, translator('es'))).toBe('Ada Lovelace');
  });
});
