export * from './locales';
export * from './translator';
export { clientMessages } from './client-messages';
