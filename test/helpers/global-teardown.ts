import pg from 'pg';
import { PG_TEMPLATE_ENV } from './constants';

/** Drops this run's PostgreSQL template; the PGlite snapshot is a cache and stays. */
export default async function globalTeardown(): Promise<void> {
  const template = process.env[PG_TEMPLATE_ENV];
  if (!template || !process.env.TEST_DATABASE_URL) return;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(template)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
