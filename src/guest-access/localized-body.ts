import type { Request } from 'express';
import type { z } from 'zod';
import { AppError, ValidationError } from '../errors';
import { parseJsonBody } from '../http/json-body';
import { localizedIssue } from '../validation';

/**
 * parseJsonBody, with the refusals its schemas wrote as catalog messages (zodMessage) told
 * in the reader's language: the error handler renders the LocalizedText per request.
 */
export function parseLocalizedBody<Schema extends z.ZodType>(schema: Schema, req: Request): z.infer<Schema> {
  try {
    return parseJsonBody(schema, req);
  } catch (error) {
    const localized = error instanceof AppError && !error.text ? localizedIssue(error.message) : undefined;
    if (error instanceof ValidationError && localized) throw new ValidationError(localized, error.field);
    throw error;
  }
}
