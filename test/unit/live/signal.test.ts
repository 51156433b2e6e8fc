import { NO_MEDIA, type LiveParticipant } from '../../../src/live/participant';
import {
  clientSignal,
  mediaDirections,
  parseLink,
  signalRefusal,
  type ClientSignal,
} from '../../../src/live/signal';
import { sdp, TRACKS } from '../../helpers/live';

const A = 'AAAAAAAAAAAAAAAAAAAAAA';
const B = 'BBBBBBBBBBBBBBBBBBBBBB';

function sender(id: string, baseRole: LiveParticipant['baseRole'], speaking = false) {
  return { id, baseRole, speaking, media: NO_MEDIA };
}

describe('links', () => {
  it('name a publisher and a receiver (or the media server), never oneself', () => {
    expect(parseLink(`${A}~${B}`)).toEqual({ publisher: A, subscriber: B });
    expect(parseLink(`${A}~sfu`)).toEqual({ publisher: A, subscriber: 'sfu' });
    expect(parseLink(`${A}~${A}`)).toBeNull();
    expect(parseLink(`sfu~${A}`)).toBeNull();
    expect(parseLink(`${A}~${B}~${A}`)).toBeNull();
    expect(parseLink('short~ids')).toBeNull();
  });
});

describe('SDP directions', () => {
  it('reads every m-line, sendrecv where none is written', () => {
    expect(mediaDirections(sdp('sendonly'))).toEqual(['sendonly', 'sendonly', 'sendonly']);
    expect(mediaDirections('v=0\r\nm=audio 9 UDP 0\r\nm=video 9 UDP 0\r\na=recvonly\r\n')).toEqual([
      'sendrecv',
      'recvonly',
    ]);
    // A session-level direction is not an m-line's.
    expect(mediaDirections('v=0\r\na=recvonly\r\nm=audio 9 UDP 0\r\n')).toEqual(['sendrecv']);
  });
});

describe('who may signal what', () => {
  const offer = (link: string, direction: 'sendonly' | 'sendrecv' = 'sendonly'): ClientSignal => ({
    type: 'offer',
    link,
    sdp: sdp(direction),
    tracks: { ...TRACKS },
  });
  const answer = (link: string, direction: 'recvonly' | 'sendrecv' = 'recvonly'): ClientSignal => ({
    type: 'answer',
    link,
    sdp: sdp(direction),
  });
  const refusal = (who: ReturnType<typeof sender>, signal: ClientSignal) =>
    signalRefusal(who, parseLink(signal.link)!, signal)?.code ?? null;

  it('lets presenters offer, and only media they send', () => {
    expect(refusal(sender(A, 'host'), offer(`${A}~${B}`))).toBeNull();
    expect(refusal(sender(A, 'guest', true), offer(`${A}~sfu`))).toBeNull();
    expect(refusal(sender(A, 'host'), offer(`${A}~${B}`, 'sendrecv'))).toBe('BAD_DIRECTION');
  });

  it('keeps viewers and guests receive-only', () => {
    expect(refusal(sender(A, 'guest'), offer(`${A}~${B}`))).toBe('RECEIVE_ONLY');
    expect(refusal(sender(A, 'viewer'), offer(`${A}~sfu`))).toBe('RECEIVE_ONLY');
    expect(refusal(sender(B, 'guest'), answer(`${A}~${B}`))).toBeNull();
    expect(refusal(sender(B, 'guest'), answer(`${A}~${B}`, 'sendrecv'))).toBe('RECEIVE_ONLY');
    expect(refusal(sender(B, 'guest'), offer(`${A}~${B}`))).toBe('RECEIVE_ONLY');
  });

  it('keeps everyone to their own links', () => {
    const stranger = sender('CCCCCCCCCCCCCCCCCCCCCC', 'host');
    expect(refusal(stranger, offer(`${A}~${B}`))).toBe('NOT_YOUR_LINK');
    expect(refusal(sender(A, 'host'), answer(`${A}~${B}`))).toBe('NOT_YOUR_LINK');
  });

  it('accepts only messages of the expected shape and size', () => {
    expect(clientSignal.safeParse(offer(`${A}~${B}`)).success).toBe(true);
    expect(clientSignal.safeParse({ ...offer(`${A}~${B}`), sdp: 'x'.repeat(24_001) }).success).toBe(false);
    expect(clientSignal.safeParse({ type: 'candidate', link: `${A}~${B}`, candidate: null }).success).toBe(
      true,
    );
    expect(clientSignal.safeParse({ ...answer(`${A}~${B}`), tracks: {} }).success).toBe(false);
  });
});
