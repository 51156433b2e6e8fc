import type { Logger } from '../../logger';
import type { LiveConfig } from '../../config/live-config';
import type { EngineContext, RoomEngine } from '../room-engine';
import { BuiltinEngine } from './builtin-engine';
import { JanusEngine } from './janus/janus-engine';

/** The engine ROOM_ENGINE names, with its settings. */
export function createRoomEngine(
  config: LiveConfig,
  context: EngineContext,
  secret: string,
  logger: Logger,
): RoomEngine {
  if (config.janus) return new JanusEngine(config.janus, config, context, secret, logger);
  return new BuiltinEngine({ participantCap: config.builtinCap }, context);
}
