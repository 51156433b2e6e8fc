import type { Request } from 'express';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { text } from '../i18n/translator';
import { formatIssuePath, localizedIssue } from '../validation';

/** A schema's own message when it is a catalog key ("guest:errors.nameRequired"). */
const CATALOG_KEY = /^[a-z][a-zA-Z]*:[A-Za-z0-9_.-]+$/;

/**
 * Validates a JSON request body against a schema. The first problem becomes a 400
 * naming its field: unknown fields, wrong types, values out of range.
 */
export function parseJsonBody<Schema extends z.ZodType>(schema: Schema, req: Request): z.infer<Schema> {
  if (!req.is('application/json')) {
    throw new ValidationError(text('errors:body.sendJson'), 'body');
  }
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw new ValidationError(text('errors:body.notObject'), 'body');
  }
  const result = schema.safeParse(req.body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const [key] = issue.keys;
    throw new ValidationError(text('errors:body.unknownField', { field: String(key) }), String(key));
  }
  const field = formatIssuePath(issue.path) || 'body';
  // Schemas word their messages as catalog keys ('guest:errors.nameRequired'), or with
  // zodMessage when the message has values. Zod's own words are passed on as written.
  throw new ValidationError(
    localizedIssue(issue.message) ??
      (CATALOG_KEY.test(issue.message)
        ? text(issue.message)
        : text('errors:body.schemaWords', { message: issue.message })),
    field,
  );
}

/** The body of every on/off setting (guest access, the lobby): `{ "enabled": true|false }`. */
export const onOffInput = z
  .object({ enabled: z.boolean({ message: 'errors:body.enabledBoolean' }) })
  .strict();
