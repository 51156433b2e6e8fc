import type { JWTPayload } from 'jose';

/**
 * How long the values Guestlink takes from a launch may be.
 *
 * Identifiers are refused when too long: a cut id would name another user, course or
 * link. LTI 1.3 and OIDC cap them at 255 characters, so a longer one is not a real launch.
 * Display text (names, titles) is shortened instead: a long course title is no reason to
 * keep someone out, and what we show or store stays bounded. An email address cut short
 * would be wrong, so a too long one is dropped.
 */
export const LAUNCH_LIMITS = {
  identifier: 255,
  personName: 200,
  title: 255,
  email: 254,
  locale: 35,
  url: 2048,
} as const;

const LTI = 'https://purl.imsglobal.org/spec/lti/claim';

export type Json = Record<string, unknown>;

/** A claim that should be an object, or an empty one. */
export function object(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** The identifiers of a launch, by the name the LMS gives them. */
function identifiers(payload: JWTPayload): Array<[string, unknown]> {
  return [
    ['sub', payload.sub],
    ['deployment_id', payload[`${LTI}/deployment_id`]],
    ['context.id', object(payload[`${LTI}/context`]).id],
    ['resource_link.id', object(payload[`${LTI}/resource_link`]).id],
  ];
}

/** The claim names of identifiers longer than LTI allows (none: the launch may go on). */
export function overlongIdentifiers(payload: JWTPayload): string[] {
  return identifiers(payload)
    .filter(([, value]) => typeof value === 'string' && value.length > LAUNCH_LIMITS.identifier)
    .map(([name]) => name);
}

/** Display claims that will be shortened, with their length, for the log (never their text). */
export function overlongDisplayClaims(payload: JWTPayload): Array<{ claim: string; length: number }> {
  const context = object(payload[`${LTI}/context`]);
  const resourceLink = object(payload[`${LTI}/resource_link`]);
  const checks: Array<[string, unknown, number]> = [
    ['name', payload.name, LAUNCH_LIMITS.personName],
    ['given_name', payload.given_name, LAUNCH_LIMITS.personName],
    ['family_name', payload.family_name, LAUNCH_LIMITS.personName],
    ['email', payload.email, LAUNCH_LIMITS.email],
    ['context.title', context.title, LAUNCH_LIMITS.title],
    ['context.label', context.label, LAUNCH_LIMITS.title],
    ['resource_link.title', resourceLink.title, LAUNCH_LIMITS.title],
  ];
  return checks
    .filter(([, value, max]) => typeof value === 'string' && value.length > max && [...value].length > max)
    .map(([claim, value]) => ({ claim, length: (value as string).length }));
}
