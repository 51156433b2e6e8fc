import { higherRole, type RoomRole } from '../rooms/room-role';

/**
 * Maps LTI launch roles to room roles (docs/product.md §1). Roles arrive as LTI 1.3 URIs,
 * LTI 1.1 URNs or short names; all are reduced to one canonical key such as
 * `membership#instructor` or `system/person#administrator` before lookup.
 */

const LIS_V2 = 'http://purl.imsglobal.org/vocab/lis/v2/';

const SHORT_CONTEXT_ROLES = new Set([
  'administrator',
  'contentdeveloper',
  'instructor',
  'learner',
  'mentor',
  'manager',
  'member',
  'officer',
]);

export function canonicalRole(role: string): string {
  const value = role.trim();
  const lower = value.toLowerCase();
  if (lower.startsWith(LIS_V2)) return lower.slice(LIS_V2.length);
  const urn = /^urn:lti:(role|instrole|sysrole):ims\/lis\/(.+)$/.exec(lower);
  if (urn) {
    const [, scope, name] = urn as unknown as [string, string, string];
    if (scope === 'instrole') return `institution/person#${name}`;
    if (scope === 'sysrole') return `system/person#${name}`;
    return canonicalRole(name);
  }
  if (lower === 'teachingassistant') return 'membership/instructor#teachingassistant';
  if (SHORT_CONTEXT_ROLES.has(lower)) return `membership#${lower}`;
  // A bare sub-role path such as "membership/Instructor#TeachingAssistant".
  return lower;
}

export const DEFAULT_ROLE_MAP: Readonly<Record<string, RoomRole>> = Object.freeze({
  'membership#instructor': 'moderator',
  'membership/instructor#teachingassistant': 'moderator',
  'membership#contentdeveloper': 'moderator',
  'membership#administrator': 'moderator',
  'institution/person#administrator': 'moderator',
  'system/person#administrator': 'moderator',
});

/** The platform's role map over the defaults; its keys may use any accepted role spelling. */
export function buildRoleMap(overrides: Record<string, RoomRole> | undefined): Record<string, RoomRole> {
  const map: Record<string, RoomRole> = { ...DEFAULT_ROLE_MAP };
  for (const [role, roomRole] of Object.entries(overrides ?? {})) map[canonicalRole(role)] = roomRole;
  return map;
}

/** The highest room role any launch role maps to; no or unknown roles make a viewer. */
export function roleFromLaunch(launchRoles: unknown, roleMap: Record<string, RoomRole>): RoomRole {
  let result: RoomRole = 'viewer';
  if (!Array.isArray(launchRoles)) return result;
  for (const launchRole of launchRoles) {
    if (typeof launchRole !== 'string') continue;
    const mapped = roleMap[canonicalRole(launchRole)];
    if (mapped) result = higherRole(result, mapped);
  }
  return result;
}
