/**
 * Characters no name may contain: C0/C1 controls, line and paragraph separators, and
 * the bidirectional overrides that can make a name display as something else.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export function hasForbiddenCharacters(value: string): boolean {
  return FORBIDDEN_IN_NAMES.test(value);
}
