/**
 * Text that comes from the LMS or from people (titles, names) on its way into an email: one line,
 * so a line break in a course title can never start another header (nodemailer encodes headers
 * too; this does not rely on it alone) nor forge a paragraph in the body.
 */

// eslint-disable-next-line no-control-regex
const LINE_BREAKS_AND_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

export function headerText(value: string): string {
  return value.replace(LINE_BREAKS_AND_CONTROLS, ' ').replace(/\s+/g, ' ').trim();
}
