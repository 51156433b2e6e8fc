import type { Platform, PlatformSettings } from './platform';
import type { PresetName } from './presets';

export interface StoredPlatform {
  id: string;
  issuer: string;
  clientId: string;
  name: string;
  /** Absent when the registration names no preset. */
  preset?: PresetName;
  deploymentIds: string[];
  settings: PlatformSettings;
  active: boolean;
}

export interface PlatformStore {
  /** Makes the stored registrations match the given list; registrations no longer listed become inactive. */
  sync(platforms: Platform[]): Promise<void>;
  findById(id: string): Promise<StoredPlatform | null>;
}
