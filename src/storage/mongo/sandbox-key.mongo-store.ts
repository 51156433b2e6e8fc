import { Schema, type Connection, type Model } from 'mongoose';
import type { SandboxKey, SandboxKeyStore } from '../../sandbox/sandbox-key.store';
import { isDuplicateKey } from './connection';

interface SandboxKeyDoc {
  _id: string;
  kid: string;
  sealedPrivateJwk: string;
  createdAt: Date;
}

const sandboxKeySchema = new Schema<SandboxKeyDoc>(
  {
    _id: { type: String, required: true },
    kid: { type: String, required: true },
    sealedPrivateJwk: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** The one key document: a fixed _id makes "first instance wins" a plain upsert. */
const CURRENT = 'current';

export type SandboxKeyModel = Model<SandboxKeyDoc>;

export function sandboxKeyModel(connection: Connection): SandboxKeyModel {
  return connection.model<SandboxKeyDoc>('SandboxKey', sandboxKeySchema, 'sandbox_keys');
}

export class MongoSandboxKeyStore implements SandboxKeyStore {
  constructor(private readonly keys: SandboxKeyModel) {}

  async getOrCreate(candidate: SandboxKey): Promise<SandboxKey> {
    try {
      await this.keys.updateOne(
        { _id: CURRENT },
        {
          $setOnInsert: {
            kid: candidate.kid,
            sealedPrivateJwk: candidate.sealedPrivateJwk,
            createdAt: new Date(),
          },
        },
        { upsert: true },
      );
    } catch (error) {
      // Another instance inserted it between our match and our insert: theirs stands.
      if (!isDuplicateKey(error)) throw error;
    }
    const doc = await this.keys.findById(CURRENT).lean<SandboxKeyDoc>();
    return { kid: doc!.kid, sealedPrivateJwk: doc!.sealedPrivateJwk };
  }
}
