export interface LoginState {
  state: string;
  nonce: string;
  platformId: string;
  targetLinkUri: string;
  /**
   * The platform's `lti_storage_target` when the login offered postMessage storage (and
   * the login page put the state there), else null: only then may a launch whose state
   * cookie did not come back be bound to the browser through platform storage.
   */
  storageTarget: string | null;
}

export interface LoginStateStore {
  save(login: LoginState, ttlSeconds: number): Promise<void>;
  /** Reads an unexpired login state without using it up (the storage check's interstitial). */
  find(state: string): Promise<LoginState | null>;
  /** Removes and returns an unexpired login state: each state can be redeemed once. */
  consume(state: string): Promise<LoginState | null>;
}
