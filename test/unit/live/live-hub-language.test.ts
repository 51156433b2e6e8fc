import { translator } from '../../../src/i18n';
import type { EventStream } from '../../../src/http/sse';
import { createLogger } from '../../../src/logger';
import { LiveRefusedError } from '../../../src/live/live-errors';
import type { LiveEvent, LiveEventChannel } from '../../../src/live/live-events';
import { toWire } from '../../../src/live/live-events';
import { LiveHub } from '../../../src/live/live-hub';
import { NO_MEDIA, type LiveParticipant } from '../../../src/live/participant';
import type { RoomEngine } from '../../../src/live/room-engine';
import { text } from '../../../src/i18n/translator';

/** One instance's channel: what it publishes, its own subscriber hears. */
function memoryChannel(): LiveEventChannel {
  const handlers: Array<(event: LiveEvent) => void> = [];
  return {
    publish: async (event) => {
      for (const handler of handlers) handler(JSON.parse(JSON.stringify(event)) as LiveEvent);
    },
    subscribe: async (handler) => {
      handlers.push(handler);
      return async () => undefined;
    },
  };
}

function recordingStream(): EventStream & { sent: Array<[string, unknown]> } {
  const sent: Array<[string, unknown]> = [];
  return {
    sent,
    send: (event, data) => sent.push([event, data]),
    close: () => {},
    onClose: () => {},
    closed: false,
  };
}

function presenter(id: string): LiveParticipant {
  return {
    id,
    roomId: 'room-1',
    identity: `user:${id}`,
    visitId: null,
    name: id,
    baseRole: 'moderator',
    speaking: false,
    handRaisedAt: null,
    media: { ...NO_MEDIA },
    instanceId: 'instance-1',
    joinedAt: new Date('2026-11-30T08:00:00Z'),
    version: 1,
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/**
 * What the media server refuses of a page's signal reaches that page as an event, not as the
 * answer to its post: the instance holding the page puts it in the page's own language.
 */
describe('the media server’s refusals on the event stream', () => {
  it('are in each page’s language, whoever else is in the room', async () => {
    const refusals: Record<string, Error> = {
      german: new LiveRefusedError({
        status: 409,
        code: 'TOO_MANY_PRESENTERS',
        message: text('live:refused.tooManyPresenters', { max: 3 }),
      }),
      spanish: new Error('Janus went away'),
    };
    const engine = {
      signal: (from: LiveParticipant) => Promise.reject(refusals[from.id]!),
      changed: async () => undefined,
      departed: async () => undefined,
    } as unknown as RoomEngine;
    const hub = new LiveHub(memoryChannel(), createLogger('silent'), 'instance-1');
    await hub.start(engine);
    const pages = { german: recordingStream(), spanish: recordingStream() };
    hub.add(presenter('german'), pages.german, translator('de'));
    hub.add(presenter('spanish'), pages.spanish, translator('es'));
    for (const id of ['german', 'spanish'] as const) {
      hub.ready(id, 'welcome', {});
      await hub.publish({
        roomId: 'room-1',
        type: 'relay',
        instanceId: 'instance-1',
        from: toWire(presenter(id)),
        link: { publisher: id, subscriber: 'sfu' },
        signal: { type: 'candidate', link: `${id}~sfu`, candidate: null },
      });
    }
    await flush();
    expect(pages.german.sent.find(([event]) => event === 'refused')?.[1]).toEqual({
      code: 'TOO_MANY_PRESENTERS',
      message: 'In diesem Raum können höchstens 3 Personen gleichzeitig präsentieren.',
    });
    expect(pages.spanish.sent.find(([event]) => event === 'refused')?.[1]).toEqual({
      code: 'MEDIA_SERVER_FAILED',
      message: 'El servidor multimedia no pudo procesar esta solicitud. Inténtelo de nuevo.',
    });
    await hub.stop();
  });
});
