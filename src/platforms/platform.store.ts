import type { Platform, PlatformSettings } from './platform';

export interface StoredPlatform {
  id: string;
  issuer: string;
  clientId: string;
  name: string;
  deploymentIds: string[];
  settings: PlatformSettings;
  active: boolean;
}

export interface PlatformStore {
  /** Makes the stored registrations match the given list; registrations no longer listed become inactive. */
  sync(platforms: Platform[]): Promise<void>;
  findById(id: string): Promise<StoredPlatform | null>;
}
