/**
 * Characters no name may contain: C0/C1 controls, line and paragraph separators, and
 * the bidirectional overrides that can make a name display as something else.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export function hasForbiddenCharacters(value: string): boolean {
  return FORBIDDEN_IN_NAMES.test(value);
}

/**
 * The first `max` code points of a text, trimmed: never half of a surrogate pair, which
 * String.slice can leave (an emoji cut in two is an invalid character in every later step).
 */
export function truncateCodePoints(value: string, max: number): string {
  if (value.length <= max) return value;
  // max code points span at most 2 * max UTF-16 units: no need to split a 40 KB text whole.
  return Array.from(value.slice(0, max * 2))
    .slice(0, max)
    .join('')
    .trimEnd();
}
