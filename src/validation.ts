import type { z } from 'zod';
import { inEnglish, text, type LocalizedText, type MessageValues } from './i18n/translator';

/** Renders a zod issue path as `[0].settings.modules` / `name`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`,
    )
    .join('');
}

/** One line per issue: `field: message`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = formatIssuePath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}

/**
 * Zod takes its messages as strings; a catalog message is kept here by its English text, so a
 * refusal can be told again in each reader's locale (`localizedIssue`). Error.message and logs
 * keep the English text, as before.
 */
const localizedMessages = new Map<string, LocalizedText>();

/** A zod message that is a catalog message: its English text, remembered with its key and values. */
export function zodMessage(key: string, values?: MessageValues): string {
  const message = text(key, values);
  const english = inEnglish(message);
  localizedMessages.set(english, message);
  return english;
}

/** The catalog message behind a zod message written with zodMessage, if it was. */
export function localizedIssue(message: string): LocalizedText | undefined {
  return localizedMessages.get(message);
}
