import { PlacedByStamp } from '../../../src/lti/placed-by';

const SECRET = 'placed-by-unit-test-secret-0123456789abcdef';
const scope = { platformId: 'platform-1', deploymentId: 'deployment-1', contextId: 'course-1' };

describe('the signed guestlink_host value', () => {
  const stamp = new PlacedByStamp(SECRET);

  it('names the placing user in the scope it was signed for', () => {
    const value = stamp.sign(scope, 'teacher-7');
    expect(value).toMatch(/^v1\.teacher-7\.[A-Za-z0-9_-]{43}$/);
    expect(stamp.verify(scope, value)).toBe('teacher-7');
  });

  it('keeps user ids that contain dots', () => {
    expect(stamp.verify(scope, stamp.sign(scope, 'user.with.dots'))).toBe('user.with.dots');
  });

  it('ignores an edited user id, an old plain id and values that are not strings', () => {
    const value = stamp.sign(scope, 'teacher-7');
    expect(stamp.verify(scope, value.replace('teacher-7', 'student-3'))).toBeNull();
    expect(stamp.verify(scope, 'teacher-7')).toBeNull();
    expect(stamp.verify(scope, 'v1.teacher-7')).toBeNull();
    expect(stamp.verify(scope, 'v1..abc')).toBeNull();
    expect(stamp.verify(scope, `${value}x`)).toBeNull();
    expect(stamp.verify(scope, undefined)).toBeNull();
    expect(stamp.verify(scope, 42)).toBeNull();
  });

  it('ignores a genuine value copied to another course, deployment or platform', () => {
    const value = stamp.sign(scope, 'teacher-7');
    expect(stamp.verify({ ...scope, contextId: 'course-2' }, value)).toBeNull();
    expect(stamp.verify({ ...scope, deploymentId: 'deployment-2' }, value)).toBeNull();
    expect(stamp.verify({ ...scope, platformId: 'platform-2' }, value)).toBeNull();
  });

  it('ignores a value signed with another secret', () => {
    const other = new PlacedByStamp(`${SECRET}-other`);
    expect(stamp.verify(scope, other.sign(scope, 'teacher-7'))).toBeNull();
  });
});
