import { Schema, type Connection, type Model } from 'mongoose';
import type { Platform } from '../../platforms/platform';
import type { PlatformStore, StoredPlatform } from '../../platforms/platform.store';
import { PRESET_NAMES, type PresetName } from '../../platforms/presets';

export interface PlatformDoc {
  _id: string;
  issuer: string;
  clientId: string;
  name: string;
  /** Absent (or null) when the registration names no preset. */
  preset?: PresetName | null;
  deploymentIds: string[];
  settings: StoredPlatform['settings'];
  active: boolean;
  updatedAt: Date;
}

const platformSchema = new Schema<PlatformDoc>(
  {
    _id: { type: String, required: true },
    issuer: { type: String, required: true },
    clientId: { type: String, required: true },
    name: { type: String, required: true },
    preset: { type: String, enum: [...PRESET_NAMES, null], default: null },
    deploymentIds: { type: [String], required: true },
    // Stored as given: settings are validated when the platforms file is read.
    settings: { type: Schema.Types.Mixed, required: true },
    active: { type: Boolean, required: true, default: true },
    updatedAt: { type: Date, required: true },
  },
  // minimize off: an empty roleMap must come back as {}, as it does from SQL's JSONB.
  { versionKey: false, minimize: false },
);
platformSchema.index({ issuer: 1, clientId: 1 }, { unique: true });

// "platform_settings", not "platforms": ltijs's own models live in the same database
// and its "platform" model already uses the "platforms" collection.
export function platformModel(connection: Connection): Model<PlatformDoc> {
  return connection.model<PlatformDoc>('Platform', platformSchema, 'platform_settings');
}

export function toStoredPlatform(doc: PlatformDoc): StoredPlatform {
  return {
    id: doc._id,
    issuer: doc.issuer,
    clientId: doc.clientId,
    name: doc.name,
    ...(doc.preset ? { preset: doc.preset } : {}),
    deploymentIds: [...doc.deploymentIds],
    settings: doc.settings,
    active: doc.active,
  };
}

export class MongoPlatformStore implements PlatformStore {
  constructor(private readonly platforms: Model<PlatformDoc>) {}

  async sync(platforms: Platform[]): Promise<void> {
    const now = new Date();
    // One bulk write: each upsert is atomic on its own; no transaction is needed because
    // a half-applied sync is repaired by the next start's sync.
    const upserts = platforms.map((platform) => ({
      updateOne: {
        filter: { _id: platform.id },
        update: {
          $set: {
            issuer: platform.issuer,
            clientId: platform.clientId,
            name: platform.name,
            preset: platform.preset ?? null,
            deploymentIds: platform.deploymentIds,
            settings: platform.settings,
            active: true,
            updatedAt: now,
          },
        },
        upsert: true,
      },
    }));
    if (upserts.length > 0) await this.platforms.bulkWrite(upserts, { ordered: true });
    await this.platforms.updateMany(
      { active: true, _id: { $nin: platforms.map((platform) => platform.id) } },
      { $set: { active: false, updatedAt: now } },
    );
  }

  async findById(id: string): Promise<StoredPlatform | null> {
    const doc = await this.platforms.findById(id).lean<PlatformDoc>();
    return doc ? toStoredPlatform(doc) : null;
  }
}
