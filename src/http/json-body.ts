import type { Request } from 'express';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { formatIssuePath } from '../validation';

/**
 * Validates a JSON request body against a schema. The first problem becomes a 400
 * naming its field: unknown fields, wrong types, values out of range.
 */
export function parseJsonBody<Schema extends z.ZodType>(schema: Schema, req: Request): z.infer<Schema> {
  if (!req.is('application/json')) {
    throw new ValidationError('Send the request body as JSON (Content-Type: application/json).', 'body');
  }
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw new ValidationError('The request body must be a JSON object.', 'body');
  }
  const result = schema.safeParse(req.body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const [key] = issue.keys;
    throw new ValidationError(`Unknown field "${key}".`, String(key));
  }
  throw new ValidationError(issue.message, formatIssuePath(issue.path) || 'body');
}

/** The body of every on/off setting (guest access, the lobby): `{ "enabled": true|false }`. */
export const onOffInput = z
  .object({ enabled: z.boolean({ message: 'enabled must be true or false.' }) })
  .strict();
