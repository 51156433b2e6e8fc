import { KeysetUnavailableError } from './lti-errors';
import type { KeysetSource } from './ltijs-workarounds';

const TTL_MS = 10 * 60_000;
/** A token naming a key we do not know refreshes the set, at most this often per platform. */
const REFRESH_COOLDOWN_MS = 15_000;
const FETCH_TIMEOUT_MS = 5_000;

interface Entry {
  keys: Array<{ kid?: string }>;
  fetchedAt: number;
}

/**
 * ltijs fetches a platform's JWKS over HTTP on every launch (docs/lti-blackboard.md §2).
 * This keeps each registered platform's key set for ten minutes and refetches early when
 * a launch is signed with a key the cached set lacks (key rotation), so launches stay
 * fast without trusting a stale set for long.
 */
export class JwksCache implements KeysetSource {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly lastRefresh = new Map<string, number>();

  constructor(private readonly urls: Set<string>) {}

  /** Whether this cache answers for a key set URL (a registered platform's). */
  serves(url: string): boolean {
    return this.urls.has(url);
  }

  async keyset(url: string): Promise<{ keys: Entry['keys'] }> {
    const entry = this.entries.get(url);
    if (entry && Date.now() - entry.fetchedAt < TTL_MS) return { keys: entry.keys };
    return { keys: (await this.fetch(url)).keys };
  }

  /** Before ltijs verifies a token: make sure a key named by it is in the set, if it exists. */
  async ensureKey(url: string, kid: string | undefined): Promise<void> {
    if (!this.serves(url) || !kid) return;
    const entry = this.entries.get(url);
    if (entry && entry.keys.some((key) => key.kid === kid)) return;
    const last = this.lastRefresh.get(url) ?? 0;
    if (entry && Date.now() - last < REFRESH_COOLDOWN_MS) return;
    this.lastRefresh.set(url, Date.now());
    await this.fetch(url);
  }

  private fetch(url: string): Promise<Entry> {
    let pending = this.inflight.get(url);
    if (!pending) {
      pending = (async () => {
        let response: Response;
        try {
          response = await fetch(url, {
            signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
            headers: { Accept: 'application/json' },
          });
        } catch {
          throw new KeysetUnavailableError();
        }
        const body = (await response.json().catch(() => null)) as { keys?: unknown } | null;
        if (!response.ok || !body || !Array.isArray(body.keys)) throw new KeysetUnavailableError();
        const entry = { keys: body.keys as Entry['keys'], fetchedAt: Date.now() };
        this.entries.set(url, entry);
        return entry;
      })().finally(() => this.inflight.delete(url));
      this.inflight.set(url, pending);
    }
    return pending;
  }
}
