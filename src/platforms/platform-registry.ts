import type { Platform } from './platform';

/** The registrations this instance serves, looked up without a database round trip. */
export class PlatformRegistry {
  private readonly byId = new Map<string, Platform>();
  private readonly byIssuer = new Map<string, Platform[]>();

  constructor(platforms: Platform[]) {
    for (const platform of platforms) {
      this.byId.set(platform.id, platform);
      const list = this.byIssuer.get(platform.issuer) ?? [];
      list.push(platform);
      this.byIssuer.set(platform.issuer, list);
    }
  }

  all(): Platform[] {
    return [...this.byId.values()];
  }

  get(id: string): Platform | undefined {
    return this.byId.get(id);
  }

  /** Finds a registration by issuer and client id; without a client id, only if the issuer has one. */
  find(issuer: string, clientId: string | undefined): Platform | undefined {
    const candidates = this.byIssuer.get(issuer) ?? [];
    if (clientId === undefined) return candidates.length === 1 ? candidates[0] : undefined;
    return candidates.find((platform) => platform.clientId === clientId);
  }

  issuerHasSeveralClients(issuer: string): boolean {
    return (this.byIssuer.get(issuer)?.length ?? 0) > 1;
  }

  static deploymentAllowed(platform: Platform, deploymentId: string): boolean {
    return platform.deploymentIds.includes(deploymentId);
  }
}
