const TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;

/** What is cached of a link: whatever the guests' store reads for its entry page, in its room. */
export interface CachedLinkState {
  roomId: string;
}

interface Cached<Entry> {
  entry: Entry | null;
  at: number;
}

/**
 * Entry pages of a link a whole class opens at once would each read the same rows.
 * This keeps a link's entry state for two seconds. Every change this instance makes,
 * and every room event from other instances, drops its room's entries at once, so a
 * turned-off or used-up link shows its message page straight away; the join itself is
 * always re-checked in the database, never from here.
 */
export class LinkEntryCache<Entry extends CachedLinkState = CachedLinkState> {
  private readonly entries = new Map<string, Cached<Entry>>();

  get(tokenHash: string): Entry | null | undefined {
    const cached = this.entries.get(tokenHash);
    if (!cached) return undefined;
    if (Date.now() - cached.at > TTL_MS) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return cached.entry;
  }

  set(tokenHash: string, entry: Entry | null): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(tokenHash, { entry, at: Date.now() });
  }

  forget(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  forgetRoom(roomId: string): void {
    for (const [hash, cached] of this.entries) {
      if (cached.entry?.roomId === roomId) this.entries.delete(hash);
    }
  }
}
