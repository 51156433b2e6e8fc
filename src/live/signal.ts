import { text, type LocalizedText } from '../i18n/translator';
import { z } from 'zod';
import { canPublish, type LiveParticipant } from './participant';

/**
 * Signalling messages and the rules every one of them passes before it is relayed.
 *
 * Media flows over links. A link carries one publisher's camera, microphone and screen to
 * one subscriber and is named `<publisher>~<subscriber>`; the publisher always offers and the
 * subscriber always answers, so nobody ever needs to negotiate the other way. With the
 * built-in engine both ends are browsers; with an SFU the subscriber end of a publisher's
 * own link is the media server (`<publisher>~sfu`) and the publisher end of a received
 * link is the server's forwarding of that publisher.
 */

export const SFU_END = 'sfu';
const PARTICIPANT_ID = /^[A-Za-z0-9_-]{16,64}$/;

export interface Link {
  publisher: string;
  subscriber: string;
}

export function linkId(publisher: string, subscriber: string): string {
  return `${publisher}~${subscriber}`;
}

export function parseLink(value: string): Link | null {
  const parts = value.split('~');
  if (parts.length !== 2) return null;
  const [publisher, subscriber] = parts as [string, string];
  if (!PARTICIPANT_ID.test(publisher)) return null;
  if (subscriber !== SFU_END && !PARTICIPANT_ID.test(subscriber)) return null;
  if (publisher === subscriber) return null;
  return { publisher, subscriber };
}

/** Which of a publisher's streams each m-line carries, by mid. */
export const TRACK_KINDS = ['audio', 'camera', 'screen'] as const;
export type TrackKind = (typeof TRACK_KINDS)[number];

/** Chromium's offers with three transceivers are about 10 kB; anything far beyond is not a browser's. */
export const MAX_SDP_LENGTH = 24_000;

const candidate = z
  .object({
    candidate: z.string().max(1024),
    sdpMid: z.string().max(32).nullable().optional(),
    sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
    usernameFragment: z.string().max(256).nullable().optional(),
  })
  .strict();

export const clientSignal = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('offer'),
      link: z.string().max(160),
      sdp: z.string().min(1).max(MAX_SDP_LENGTH),
      tracks: z
        .record(z.string().max(32), z.enum(TRACK_KINDS))
        .refine((value) => Object.keys(value).length <= 8, {
          message: 'tracks names at most 8 streams.',
        }),
    })
    .strict(),
  z
    .object({
      type: z.literal('answer'),
      link: z.string().max(160),
      sdp: z.string().min(1).max(MAX_SDP_LENGTH),
    })
    .strict(),
  // A null candidate: the sender has gathered all of its candidates.
  z
    .object({ type: z.literal('candidate'), link: z.string().max(160), candidate: candidate.nullable() })
    .strict(),
]);

export type ClientSignal = z.infer<typeof clientSignal>;

/** What the other end receives: the same message, with the sender's link already checked. */
export type RelayedSignal = ClientSignal;

/** The direction of each m-line; RFC 8866: no attribute means sendrecv. */
export function mediaDirections(sdp: string): string[] {
  const directions: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) directions.push('sendrecv');
    else if (directions.length > 0) {
      const match = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/.exec(line);
      if (match) directions[directions.length - 1] = match[1]!;
    }
  }
  return directions;
}

export interface SignalRefusal {
  status: 400 | 403 | 404;
  code: string;
  message: LocalizedText;
}

const refusal = (status: SignalRefusal['status'], code: string, message: LocalizedText): SignalRefusal => ({
  status,
  code,
  message,
});

/**
 * Whether `sender` may send this message on this link. `publisher` is the participant at
 * the link's publishing end as the room knows it now (null when that is the sender or the
 * media server). A receive-only participant can neither offer nor answer with media of its own.
 */
export function signalRefusal(
  sender: Pick<LiveParticipant, 'id' | 'baseRole' | 'speaking'>,
  link: Link,
  signal: ClientSignal,
): SignalRefusal | null {
  const sending = link.publisher === sender.id;
  if (!sending && link.subscriber !== sender.id)
    return refusal(403, 'NOT_YOUR_LINK', text('live:refused.notYourLink'));
  if (sending && !canPublish(sender)) return refusal(403, 'RECEIVE_ONLY', text('live:refused.receiveOnly'));
  if (signal.type === 'offer') {
    if (!sending) return refusal(403, 'RECEIVE_ONLY', text('live:refused.offerOnlyPresenter'));
    if (mediaDirections(signal.sdp).some((direction) => direction !== 'sendonly' && direction !== 'inactive'))
      return refusal(400, 'BAD_DIRECTION', text('live:refused.badDirection'));
  }
  if (signal.type === 'answer') {
    if (sending) return refusal(403, 'NOT_YOUR_LINK', text('live:refused.answerOnlyReceiver'));
    if (mediaDirections(signal.sdp).some((direction) => direction !== 'recvonly' && direction !== 'inactive'))
      return refusal(403, 'RECEIVE_ONLY', text('live:refused.receiveOnly'));
  }
  return null;
}
