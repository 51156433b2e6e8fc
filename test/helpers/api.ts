import type { Launch } from './lti-launch';

/** The JSON API as the media page's script calls it: the ltik in the Authorization header. */
export function apiFor(launch: Launch, roomId = launch.roomId) {
  const base = `/api/rooms/${roomId}`;
  const auth = (test: import('supertest').Test) =>
    test.set('Authorization', `Bearer ${launch.ltik}`).set('Accept', 'application/json');
  return {
    get: (path: string) => auth(launch.agent.get(`${base}${path}`)),
    put: (path: string, body?: unknown) => auth(launch.agent.put(`${base}${path}`)).send(body as object),
    post: (path: string, body?: unknown) => auth(launch.agent.post(`${base}${path}`)).send(body as object),
    patch: (path: string, body?: unknown) => auth(launch.agent.patch(`${base}${path}`)).send(body as object),
    delete: (path: string) => auth(launch.agent.delete(`${base}${path}`)),
    /** Turns guest access on and returns the state. */
    enable: async () =>
      (
        await auth(launch.agent.put(`${base}/guest-access`))
          .send({ enabled: true })
          .expect(200)
      ).body,
  };
}
