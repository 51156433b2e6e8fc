import { platformWords } from '../../../src/platforms/platform-words';

describe('platformWords', () => {
  it('takes the family from the registration’s preset, whatever the launch claims', () => {
    const words = platformWords({ name: 'State U Moodle', preset: 'moodle' }, 'canvas');
    expect(words).toMatchObject({ family: 'moodle', lmsName: 'State U Moodle' });
    expect(words.administrator).toBe('your State U Moodle administrator');
    expect(words.whereToFindDeploymentId).toContain('Manage tools');
    expect(words.newWindowSetting).toContain('New window');
  });

  it('falls back on the signed product family code when the registration names no preset or custom', () => {
    expect(platformWords({ name: 'Learn', preset: undefined }, 'BlackboardLearn').family).toBe('blackboard');
    expect(platformWords({ name: 'Canvas', preset: 'custom' }, 'canvas').family).toBe('canvas');
    expect(platformWords({ name: 'Moodle' }, 'moodle').whereToFindDeploymentId).toContain(
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
      administrator: 'your LMS administrator',
    });
    expect(unknown.whereToFindDeploymentId).not.toMatch(/Moodle|Canvas|Blackboard/);
  });
});
