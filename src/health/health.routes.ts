import express, { type Router } from 'express';
import type { Storage } from '../storage';
import type { RecentStorageFaults } from '../faults/storage-faults';

const READINESS_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms); // eslint-disable-line no-restricted-syntax
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * /healthz: the process is up. /readyz: it can serve requests: the database answers, and
 * no write failed lately for a full disk or a read-only database (storageFaults).
 */
export function healthRouter(storage: Storage, storageFaults?: RecentStorageFaults): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      await withTimeout(storage.ping(), READINESS_TIMEOUT_MS);
    } catch (error) {
      storageFaults?.note(error);
      res.status(503).json({ status: 'unavailable', database: storage.backend });
      return;
    }
    const fault = storageFaults?.current();
    if (fault) {
      res.status(503).json({ status: 'unavailable', database: storage.backend, storage: fault });
      return;
    }
    res.json({ status: 'ready', database: storage.backend });
  });
  return router;
}
