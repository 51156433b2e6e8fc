import type { LobbyEvent, LobbyEventChannel } from '../../lobby/lobby-events';
import type { SqlClient } from './sql-client';

const CHANNEL = 'guestlink_lobby';

/** Lobby events over LISTEN/NOTIFY: in one process on PGlite, across instances on a server. */
export class PgLobbyEventChannel implements LobbyEventChannel {
  constructor(private readonly sql: SqlClient) {}

  async publish(event: LobbyEvent): Promise<void> {
    await this.sql.notify(CHANNEL, JSON.stringify(event));
  }

  async subscribe(handler: (event: LobbyEvent) => void): Promise<() => Promise<void>> {
    return this.sql.listen(CHANNEL, (payload) => {
      try {
        const event = JSON.parse(payload) as LobbyEvent;
        if (typeof event.roomId === 'string') handler(event);
      } catch {
        // Not ours: ignore malformed payloads on the channel.
      }
    });
  }
}
