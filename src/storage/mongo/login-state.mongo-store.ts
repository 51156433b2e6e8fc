import { Schema, type Connection, type Model } from 'mongoose';
import type { LoginState, LoginStateStore } from '../../lti/login-state.store';

interface LoginStateDoc {
  _id: string;
  nonce: string;
  platformId: string;
  targetLinkUri: string;
  storageTarget: string | null;
  expiresAt: Date;
}

const loginStateSchema = new Schema<LoginStateDoc>(
  {
    _id: { type: String, required: true },
    nonce: { type: String, required: true },
    platformId: { type: String, required: true },
    targetLinkUri: { type: String, required: true },
    storageTarget: { type: String, default: null },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// The server deletes a state once its expiresAt has passed (the TTL monitor runs about
// once a minute, so consume() still checks the time itself).
loginStateSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type LoginStateModel = Model<LoginStateDoc>;

export function loginStateModel(connection: Connection): LoginStateModel {
  return connection.model<LoginStateDoc>('LoginState', loginStateSchema, 'lti_login_states');
}

export class MongoLoginStateStore implements LoginStateStore {
  constructor(private readonly states: LoginStateModel) {}

  async save(login: LoginState, ttlSeconds: number): Promise<void> {
    await this.states.create({
      _id: login.state,
      nonce: login.nonce,
      platformId: login.platformId,
      targetLinkUri: login.targetLinkUri,
      storageTarget: login.storageTarget,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    });
  }

  async find(state: string): Promise<LoginState | null> {
    return toLoginState(await this.states.findById(state).lean<LoginStateDoc>());
  }

  async consume(state: string): Promise<LoginState | null> {
    // findOneAndDelete: of two redemptions racing, exactly one gets the document.
    return toLoginState(await this.states.findOneAndDelete({ _id: state }).lean<LoginStateDoc>());
  }
}

function toLoginState(doc: LoginStateDoc | null): LoginState | null {
  if (!doc || doc.expiresAt.getTime() <= Date.now()) return null;
  return {
    state: doc._id,
    nonce: doc.nonce,
    platformId: doc.platformId,
    targetLinkUri: doc.targetLinkUri,
    storageTarget: doc.storageTarget ?? null,
  };
}
