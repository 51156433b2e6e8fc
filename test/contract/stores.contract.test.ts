import { toPlatform, type Platform } from '../../src/platforms/platform';
import type { RoomLaunch } from '../../src/rooms/room.store';
import type { Storage } from '../../src/storage';
import { openTestStorage, STORAGE_BACKENDS, type TestStorage } from '../helpers/storages';

/**
 * The domain store contract: the same expectations for every backend. Each backend
 * listed in STORAGE_BACKENDS runs this whole file against a real database.
 */

function platform(overrides: Partial<Platform> = {}): Platform {
  return {
    ...toPlatform({
      name: 'Contract LMS',
      issuer: 'https://contract.example.edu',
      clientId: `client-${Math.random().toString(36).slice(2)}`,
      authEndpoint: 'https://contract.example.edu/auth',
      tokenEndpoint: 'https://contract.example.edu/token',
      jwksUrl: 'https://contract.example.edu/jwks',
      deploymentIds: ['deployment-1'],
      settings: {
        modules: { invitetomedia: true, mediapage: true },
        linkCreators: 'hosts-and-moderators',
        lobbyDefault: true,
        guestLogRetentionDays: 30,
      },
    }),
    ...overrides,
  };
}

describe.each(STORAGE_BACKENDS)('store contract on %s', (backend) => {
  let handle: TestStorage;
  let storage: Storage;
  let lms: Platform;
  let linkCounter = 0;

  function launch(overrides: Partial<RoomLaunch> = {}): RoomLaunch {
    return {
      platformId: lms.id,
      deploymentId: 'deployment-1',
      contextId: '_1_1',
      resourceLinkId: `_${++linkCounter}_1`,
      title: 'Weekly session',
      contextTitle: 'Biology',
      roomType: 'room',
      mediaUrl: null,
      hostCandidate: { userId: 'teacher', name: 'Ada' },
      launcherUserId: 'teacher',
      launcherName: 'Ada',
      lobbyDefault: true,
      ...overrides,
    };
  }

  beforeAll(async () => {
    handle = await openTestStorage(backend);
    storage = handle.storage;
    lms = platform();
    await storage.platforms.sync([lms]);
  });

  afterAll(async () => {
    await handle.close();
  });

  describe('platforms', () => {
    it('stores registrations, updates them, and deactivates those no longer listed', async () => {
      const other = platform({ name: 'Other LMS' });
      await storage.platforms.sync([lms, other]);
      expect(await storage.platforms.findById(other.id)).toMatchObject({
        issuer: other.issuer,
        clientId: other.clientId,
        deploymentIds: ['deployment-1'],
        active: true,
        settings: other.settings,
      });
      await storage.platforms.sync([{ ...lms, deploymentIds: ['deployment-1', 'deployment-2'] }]);
      expect((await storage.platforms.findById(lms.id))!.deploymentIds).toEqual([
        'deployment-1',
        'deployment-2',
      ]);
      expect((await storage.platforms.findById(other.id))!.active).toBe(false);
      await storage.platforms.sync([lms, other]);
      expect((await storage.platforms.findById(other.id))!.active).toBe(true);
      expect(await storage.platforms.findById('nope')).toBeNull();
    });
  });

  describe('rooms', () => {
    it('creates a room on the first launch of a resource link and reuses it later', async () => {
      const first = launch();
      const room = await storage.rooms.openForLaunch(first);
      expect(room).toMatchObject({
        platformId: lms.id,
        title: 'Weekly session',
        contextTitle: 'Biology',
        roomType: 'room',
        hostUserId: 'teacher',
        hostName: 'Ada',
        lobbyEnabled: true,
      });
      const again = await storage.rooms.openForLaunch({
        ...first,
        hostCandidate: { userId: 'other', name: 'Bob' },
      });
      expect(again.id).toBe(room.id);
      expect(again.hostUserId).toBe('teacher');
      expect(await storage.rooms.findById(room.id)).toEqual(again);
    });

    it('follows a renamed link and a changed room type', async () => {
      const first = launch();
      const room = await storage.rooms.openForLaunch(first);
      const renamed = await storage.rooms.openForLaunch({
        ...first,
        title: 'Renamed',
        roomType: 'media-gallery',
      });
      expect(renamed).toMatchObject({ id: room.id, title: 'Renamed', roomType: 'media-gallery' });
      expect(renamed.updatedAt.getTime()).toBeGreaterThanOrEqual(room.updatedAt.getTime());
    });

    it('gives a room opened first by a student its host at the first moderator launch', async () => {
      const first = launch({ hostCandidate: null, launcherUserId: 'student', launcherName: 'Sam' });
      const room = await storage.rooms.openForLaunch(first);
      expect(room.hostUserId).toBeNull();
      const hosted = await storage.rooms.openForLaunch({
        ...first,
        hostCandidate: { userId: 'teacher', name: 'Ada' },
      });
      expect(hosted).toMatchObject({ id: room.id, hostUserId: 'teacher', hostName: 'Ada' });
    });

    it('refreshes the host’s display name when the host launches', async () => {
      const first = launch({ hostCandidate: { userId: 'placer', name: null } });
      const room = await storage.rooms.openForLaunch(first);
      expect(room.hostName).toBeNull();
      const named = await storage.rooms.openForLaunch({
        ...first,
        launcherUserId: 'placer',
        launcherName: 'Grace',
      });
      expect(named.hostName).toBe('Grace');
    });

    it('creates exactly one room when a whole class launches a new link at once', async () => {
      const first = launch();
      const rooms = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          storage.rooms.openForLaunch({ ...first, launcherUserId: `user-${index}`, hostCandidate: null }),
        ),
      );
      expect(new Set(rooms.map((room) => room.id)).size).toBe(1);
    });

    it('keeps rooms of different deployments and courses apart', async () => {
      await storage.platforms.sync([{ ...lms, deploymentIds: ['deployment-1', 'deployment-2'] }]);
      const first = launch();
      const a = await storage.rooms.openForLaunch(first);
      const b = await storage.rooms.openForLaunch({ ...first, deploymentId: 'deployment-2' });
      const c = await storage.rooms.openForLaunch({ ...first, contextId: '_2_1' });
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    });

    it('finds nothing for an unknown id', async () => {
      expect(await storage.rooms.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
    });
  });

  describe('login states', () => {
    it('can be consumed once', async () => {
      const login = {
        state: `s-${linkCounter++}`,
        nonce: 'n',
        platformId: lms.id,
        targetLinkUri: 'https://tool/lti/launch',
      };
      await storage.loginStates.save(login, 60);
      const results = await Promise.all([
        storage.loginStates.consume(login.state),
        storage.loginStates.consume(login.state),
      ]);
      expect(results.filter(Boolean)).toEqual([login]);
    });

    it('expire', async () => {
      const login = {
        state: `s-${linkCounter++}`,
        nonce: 'n',
        platformId: lms.id,
        targetLinkUri: 'https://tool/lti/launch',
      };
      await storage.loginStates.save(login, -1);
      expect(await storage.loginStates.consume(login.state)).toBeNull();
    });
  });

  describe('sandbox keys', () => {
    it('keep the first key stored', async () => {
      const first = await storage.sandboxKeys.getOrCreate({ kid: 'first', sealedPrivateJwk: 'sealed-1' });
      const second = await storage.sandboxKeys.getOrCreate({ kid: 'second', sealedPrivateJwk: 'sealed-2' });
      expect(second).toEqual(first);
    });
  });

  it('answers ping and purges expired rows', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
    await expect(storage.purgeExpired()).resolves.toBeUndefined();
  });
});
