export interface LoginState {
  state: string;
  nonce: string;
  platformId: string;
  targetLinkUri: string;
  /** The login request's query string, to start the same launch again (top-level). */
  relaunchQuery: string;
}

export interface LoginStateStore {
  save(login: LoginState, ttlSeconds: number): Promise<void>;
  /** Removes and returns an unexpired login state: each state can be redeemed once. */
  consume(state: string): Promise<LoginState | null>;
}
