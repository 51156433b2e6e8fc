export interface SandboxKey {
  kid: string;
  /** The private JWK, sealed with the app secret. */
  sealedPrivateJwk: string;
}

export interface SandboxKeyStore {
  /** Returns the stored key, or stores the candidate if none exists yet (first instance wins). */
  getOrCreate(candidate: SandboxKey): Promise<SandboxKey>;
}
