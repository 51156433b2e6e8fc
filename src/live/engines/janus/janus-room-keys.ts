import { createHmac } from 'node:crypto';
import { deriveKey } from '../../../sealing';

/** What Guestlink holds for one room in Janus; browsers never see any of it. */
export interface JanusRoomKeys {
  /** 128 bits, unguessable: Janus lists a room's participants to anyone who knows its id. */
  room: string;
  /** Needed to destroy the room, kick, mute, and change its allowed tokens. */
  secret: string;
  /** Needed to join the room at all. */
  pin: string;
}

/**
 * Room ids, secrets, pins and presenter tokens derived from the app secret: every instance
 * computes the same ones, nothing is stored, and a room recreated after Janus restarts
 * gets them back.
 */
export class JanusKeys {
  private readonly key: Buffer;

  constructor(appSecret: string) {
    this.key = deriveKey(appSecret, 'janus-rooms');
  }

  private mac(label: string): string {
    return createHmac('sha256', this.key).update(label).digest('base64url');
  }

  forRoom(roomId: string): JanusRoomKeys {
    return {
      room: this.mac(`room:${roomId}`).slice(0, 22),
      secret: this.mac(`secret:${roomId}`),
      pin: this.mac(`pin:${roomId}`).slice(0, 32),
    };
  }

  /** A presenter's own token for Janus's allowed list: listed while they may present. */
  presenterToken(roomId: string, participantId: string): string {
    return this.mac(`token:${roomId}:${participantId}`);
  }
}
