import { inEnglish } from '../../../src/i18n';
import { platformWords } from '../../../src/platforms/platform-words';

describe('platformWords', () => {
  it('takes the family from the registration’s preset, whatever the launch claims', () => {
    const words = platformWords({ name: 'State U Moodle', preset: 'moodle' }, 'canvas');
    expect(words).toMatchObject({
      family: 'moodle',
      lmsName: 'State U Moodle',
      registeredName: 'State U Moodle',
    });
    expect(inEnglish(words.whereToFindDeploymentId)).toContain('Manage tools');
    expect(inEnglish(words.newWindowSetting)).toContain('New window');
  });

  it('falls back on the signed product family code when the registration names no preset or custom', () => {
    expect(platformWords({ name: 'Learn', preset: undefined }, 'BlackboardLearn').family).toBe('blackboard');
    expect(platformWords({ name: 'Canvas', preset: 'custom' }, 'canvas').family).toBe('canvas');
    expect(inEnglish(platformWords({ name: 'Moodle' }, 'moodle').whereToFindDeploymentId)).toContain(
      'View configuration details',
    );
  });

  it('uses neutral words for an unknown family and for an unregistered platform', () => {
    expect(platformWords({ name: 'Example LMS' }, 'sakai')).toMatchObject({
      family: 'other',
      lmsName: 'Example LMS',
    });
    // An unregistered platform's claims are not believed, not even for words.
    const unknown = platformWords(undefined, 'moodle');
    expect(unknown).toMatchObject({
      family: 'other',
      lmsName: 'your LMS',
      registeredName: undefined,
    });
    expect(inEnglish(unknown.whereToFindDeploymentId)).not.toMatch(/Moodle|Canvas|Blackboard/);
  });
});
