import fs from 'node:fs';

/**
 * Words a template or script may show as they are, in every language: the product's name,
 * and symbols. Anything else a person reads comes from the catalogs.
 */
const ALWAYS_AS_WRITTEN = /^(?:Guestlink|[\s\d·×…•—–:;,.()\-+/|#%&@*!?"'“”‘’«»<>=[\]{}]|&[a-z]+;|&#\d+;)*$/;

/** Attributes whose values people read or hear. */
const READ_ATTRIBUTES = [
  'aria-label',
  'aria-description',
  'placeholder',
  'title',
  'alt',
  'aria-roledescription',
];

function shownAsWritten(value: string): boolean {
  return ALWAYS_AS_WRITTEN.test(value.trim());
}

/**
 * Text a person would read that an EJS template writes literally instead of through t():
 * text between tags, and the values of READ_ATTRIBUTES. EJS tags, scripts, styles and
 * comments are left out first. One entry per finding: "line N: text".
 */
export function templateLiterals(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  // Keep line numbers: blank out what is not the template's own text, newline for newline.
  const blank = (match: string) => match.replace(/[^\n]/g, ' ');
  const markup = source
    .replace(/<%[\s\S]*?%>/g, blank)
    .replace(/<script[\s\S]*?<\/script>/gi, blank)
    .replace(/<style[\s\S]*?<\/style>/gi, blank)
    .replace(/<!--[\s\S]*?-->/g, blank);
  const findings: string[] = [];
  const lineOf = (index: number) => markup.slice(0, index).split('\n').length;
  for (const match of markup.matchAll(/>([^<]+)</g)) {
    const value = match[1]!;
    if (!shownAsWritten(value)) findings.push(`line ${lineOf(match.index!)}: ${value.trim()}`);
  }
  for (const match of markup.matchAll(/<[a-zA-Z][^>]*>/g))
    for (const attribute of READ_ATTRIBUTES) {
      const value = new RegExp(`\\s${attribute}="([^"]*)"`).exec(match[0])?.[1];
      if (value !== undefined && !shownAsWritten(value))
        findings.push(`line ${lineOf(match.index!)}: ${attribute}="${value.trim()}"`);
    }
  return findings;
}

/**
 * String literals in a browser script that read as prose: two words or more of letters
 * beginning with a capital, or ending in a sentence's mark. Selectors, event names, CSS
 * classes and keys don't look like that. A line may opt out with "i18n-ignore" (say why).
 */
export function scriptLiterals(file: string): string[] {
  const findings: string[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(line) || line.includes('i18n-ignore')) return;
      for (const match of line.matchAll(/(['"`])((?:\\.|(?!\1).)*)\1/g)) {
        const value = match[2]!;
        if (/\$\{/.test(value) && match[1] === '`') {
          if (/[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(value.replace(/\$\{[^}]*\}/g, '')))
            findings.push(`line ${index + 1}: ${value}`);
          continue;
        }
        const prose =
          /^[A-Z][a-z']+(?:\s+\S+)+/.test(value) || /[A-Za-z]{2,}\s+[A-Za-z]{2,}.*[.!?…]$/.test(value);
        if (prose) findings.push(`line ${index + 1}: ${value}`);
      }
    });
  return findings;
}
