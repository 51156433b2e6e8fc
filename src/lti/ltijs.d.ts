// The part of ltijs 5.9's API Guestlink uses (see docs/lti-blackboard.md §2).
declare module 'ltijs' {
  import type { Application, NextFunction, Request, Response } from 'express';

  type Handler = (req: Request, res: Response, next: NextFunction) => unknown;
  type ConnectHandler = (token: unknown, req: Request, res: Response, next: NextFunction) => unknown;

  export interface LtijsPlatform {
    platformKid(): Promise<string>;
    platformPrivateKey(): Promise<string>;
    platformClientId(): Promise<string>;
    platformUrl(): Promise<string>;
    delete(): Promise<boolean>;
  }

  export interface PlatformRegistrationInput {
    url: string;
    name: string;
    clientId: string;
    authenticationEndpoint: string;
    accesstokenEndpoint: string;
    authConfig: { method: 'JWK_SET' | 'JWK_KEY' | 'RSA_KEY'; key: string };
  }

  export interface LtiProvider {
    app: Application;
    setup(encryptionKey: string, database: object, options: Record<string, unknown>): LtiProvider;
    deploy(options: { serverless: true; silent?: boolean }): Promise<true>;
    close(options?: { silent?: boolean }): Promise<true>;
    onConnect(handler: ConnectHandler): void;
    onDeepLinking(handler: ConnectHandler): void;
    onInvalidToken(handler: Handler): void;
    onSessionTimeout(handler: Handler): void;
    onUnregisteredPlatform(handler: Handler): void;
    onInactivePlatform(handler: Handler): void;
    registerPlatform(platform: PlatformRegistrationInput): Promise<LtijsPlatform>;
    getPlatform(url: string, clientId: string): Promise<LtijsPlatform | false>;
    getAllPlatforms(): Promise<LtijsPlatform[]>;
    deletePlatform(url: string, clientId: string): Promise<boolean>;
    redirect(res: Response, path: string, options?: Record<string, unknown>): Promise<void>;
  }

  export const Provider: LtiProvider;
}
