import path from 'node:path';

/** The project root, the same whether this runs from src/ (tests) or dist/ (built). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const VIEWS_DIR = path.join(PROJECT_ROOT, 'views');
export const PUBLIC_DIR = path.join(PROJECT_ROOT, 'public');
export const SQL_MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'src', 'storage', 'postgres', 'migrations');
/** Views and functions, re-applied whenever their content changes (storage/postgres/migrate.ts). */
export const SQL_ROUTINES_DIR = path.join(PROJECT_ROOT, 'src', 'storage', 'postgres', 'routines');
export const DEFAULT_PLATFORMS_FILE = path.join(PROJECT_ROOT, 'config', 'platforms.json');

/** The registrations file the server reads and the platforms command edits (unset or empty: the default). */
export function platformsFilePath(configured: string | undefined): string {
  return path.resolve(configured || DEFAULT_PLATFORMS_FILE);
}
/** Message catalogs: locales/<locale>/<namespace>.json (src/i18n/catalogs.ts). */
export const LOCALES_DIR = path.join(PROJECT_ROOT, 'locales');
/** intl-messageformat's self-contained browser build (global IntlMessageFormat), served to pages. */
export const INTL_MESSAGEFORMAT_BROWSER_BUILD = path.join(
  PROJECT_ROOT,
  'node_modules',
  'intl-messageformat',
  'intl-messageformat.iife.js',
);
