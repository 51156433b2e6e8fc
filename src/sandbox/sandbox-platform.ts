import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { toPlatform, type Platform, type PlatformSettings } from '../platforms/platform';
import { deriveKey, seal, unseal } from '../sealing';
import type { SandboxKeyStore } from './sandbox-key.store';
import { SANDBOX_PLATFORM, type SandboxCourse, type SandboxLink, type SandboxUser } from './sample-data';
import { SandboxRefusalError } from './sandbox-errors';
import { text } from '../i18n/translator';

const SEAL_PURPOSE = 'sandbox-signing-key';
const LTI = 'https://purl.imsglobal.org/spec/lti/claim';

export type SandboxMessageType = 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';

/** The OIDC name and email claims, less what the launch withholds. */
function personalClaims(user: SandboxUser, withheld: readonly WithheldField[]): JWTPayload {
  return {
    ...(withheld.includes('name')
      ? {}
      : {
          name: `${user.givenName} ${user.familyName}`,
          given_name: user.givenName,
          family_name: user.familyName,
        }),
    ...(withheld.includes('email') ? {} : { email: user.email }),
  };
}

/** What the sandbox's lti_message_hint carries from its launch page to its auth endpoint. */
export interface MessageHint {
  courseKey: string;
  messageType: SandboxMessageType;
  link: SandboxLink | null;
  deploymentId: string;
  documentTarget: 'iframe' | 'window';
  /** User fields left out of the id_token, like Blackboard's "User Fields to Send" (none when absent). */
  withheld?: WithheldField[];
  /** The user's language, as the LMS sends it in every launch (en-US when absent). */
  locale?: string;
}

/** The launch locale when none is chosen, as Blackboard sends for an English-speaking user. */
export const SANDBOX_DEFAULT_LOCALE = 'en-US';

/** Personal fields an LMS administrator can choose not to send. */
export const WITHHELD_FIELDS = ['name', 'email'] as const;
export type WithheldField = (typeof WITHHELD_FIELDS)[number];

export interface LaunchRequest {
  user: SandboxUser;
  course: SandboxCourse;
  hint: MessageHint;
  nonce: string;
  targetLinkUri: string;
}

export interface ContentItem {
  type: string;
  title?: string;
  url?: string;
  custom?: Record<string, string>;
}

/**
 * A small LTI 1.3 platform inside the tool, shaped like Blackboard Learn: it signs
 * id_tokens with its own RS256 key, serves its JWKS, and accepts Deep Linking responses.
 */
export class SandboxPlatform {
  private toolJwks: ReturnType<typeof createRemoteJWKSet> | null = null;

  /** Message hints already used, until they expire (hash → expiry in ms): Moodle's are single-use. */
  private readonly usedHints = new Map<string, number>();
  /** How often a hint was used, and how often a used one came back: tests read it. */
  readonly hintUses = { accepted: 0, refused: 0 };

  private constructor(
    private readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly hintKey: Uint8Array,
    /** Where browsers reach the sandbox (SANDBOX_URL). */
    readonly publicUrl: string,
    /** Where the sandbox reaches the tool (PUBLIC_URL). */
    readonly toolUrl: string,
  ) {}

  /** Loads the sandbox key from the database (creating it on first start). */
  static async open(
    store: SandboxKeyStore,
    appSecret: string,
    publicUrl: string,
    toolUrl: string = publicUrl,
  ): Promise<SandboxPlatform> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const candidateJwk = await exportJWK(privateKey);
    const stored = await store.getOrCreate({
      kid: randomUUID(),
      sealedPrivateJwk: seal(appSecret, SEAL_PURPOSE, JSON.stringify(candidateJwk)),
    });
    const privateJwk = JSON.parse(unseal(appSecret, SEAL_PURPOSE, stored.sealedPrivateJwk)) as JWK;
    const key = (await importJWK(privateJwk, 'RS256')) as CryptoKey;
    const publicJwk: JWK = {
      kty: privateJwk.kty,
      n: privateJwk.n,
      e: privateJwk.e,
      kid: stored.kid,
      alg: 'RS256',
      use: 'sig',
    };
    return new SandboxPlatform(
      stored.kid,
      key,
      publicJwk,
      deriveKey(appSecret, 'sandbox-message-hint'),
      publicUrl,
      toolUrl,
    );
  }

  get urls() {
    return {
      auth: `${this.publicUrl}/sandbox/auth`,
      token: `${this.publicUrl}/sandbox/token`,
      jwks: `${this.publicUrl}/sandbox/.well-known/jwks.json`,
      deepLinkingReturn: `${this.publicUrl}/sandbox/deep-linking/return`,
      storageFrame: `${this.publicUrl}/sandbox/storage-frame`,
      toolLogin: `${this.toolUrl}/lti/login`,
      toolLaunch: `${this.toolUrl}/lti/launch`,
      toolJwks: `${this.toolUrl}/lti/keys`,
    };
  }

  /** The only origin whose postMessages the sandbox's storage frame answers. */
  get toolOrigin(): string {
    return new URL(this.toolUrl).origin;
  }

  registration(settings: PlatformSettings): Platform {
    return toPlatform({
      name: SANDBOX_PLATFORM.name,
      issuer: SANDBOX_PLATFORM.issuer,
      clientId: SANDBOX_PLATFORM.clientId,
      authEndpoint: this.urls.auth,
      tokenEndpoint: this.urls.token,
      jwksUrl: this.urls.jwks,
      deploymentIds: [SANDBOX_PLATFORM.deploymentId],
      settings,
    });
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async signMessageHint(hint: MessageHint): Promise<string> {
    // A fresh jti: two launches of the same link in one second get different hints.
    return new SignJWT({ hint })
      .setProtectedHeader({ alg: 'HS256' })
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(this.hintKey);
  }

  /**
   * Reads a message hint and uses it up, as Moodle does: a second authentication request
   * with the same hint is refused, however it got there (a replayed login, a reload).
   * Null when the hint is altered, expired or already used.
   */
  async useMessageHint(token: string): Promise<MessageHint | null> {
    let verified: { hint: MessageHint; exp: number };
    try {
      const { payload } = await jwtVerify(token, this.hintKey, { algorithms: ['HS256'] });
      verified = { hint: payload.hint as MessageHint, exp: payload.exp ?? 0 };
    } catch {
      return null;
    }
    const now = Date.now();
    for (const [used, expires] of this.usedHints) if (expires <= now) this.usedHints.delete(used);
    const key = createHmac('sha256', this.hintKey).update(token).digest('base64url');
    if (this.usedHints.has(key)) {
      this.hintUses.refused++;
      return null;
    }
    this.usedHints.set(key, verified.exp * 1000);
    this.hintUses.accepted++;
    return verified.hint;
  }

  /** A link created by Deep Linking, carried in the sandbox's own launch URL. */
  async signPlacedItem(link: SandboxLink): Promise<string> {
    return new SignJWT({ link })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('1d')
      .sign(this.hintKey);
  }

  async readPlacedItem(token: string): Promise<SandboxLink> {
    try {
      const { payload } = await jwtVerify(token, this.hintKey, { algorithms: ['HS256'] });
      return payload.link as SandboxLink;
    } catch {
      throw new SandboxRefusalError(text('sandbox:errors.refusedPlacedItem'));
    }
  }

  /** The claims Blackboard Learn sends (docs/lti-blackboard.md §1), for one user and link. */
  launchClaims({ user, course, hint, nonce, targetLinkUri }: LaunchRequest): JWTPayload {
    const claims: JWTPayload = {
      iss: SANDBOX_PLATFORM.issuer,
      aud: SANDBOX_PLATFORM.clientId,
      sub: user.id,
      nonce,
      ...personalClaims(user, hint.withheld ?? []),
      locale: hint.locale ?? SANDBOX_DEFAULT_LOCALE,
      [`${LTI}/deployment_id`]: hint.deploymentId,
      [`${LTI}/message_type`]: hint.messageType,
      [`${LTI}/version`]: '1.3.0',
      [`${LTI}/target_link_uri`]: targetLinkUri,
      [`${LTI}/roles`]: user.roles,
      [`${LTI}/context`]: {
        id: course.id,
        label: course.label,
        title: course.title,
        type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'],
      },
      [`${LTI}/tool_platform`]: {
        guid: 'lms-sandbox.guestlink.local',
        name: SANDBOX_PLATFORM.name,
        product_family_code: 'BlackboardLearn',
        version: '3900.0.0-sandbox',
      },
      [`${LTI}/lis`]: { person_sourcedid: user.key, course_section_sourcedid: course.label },
      [`${LTI}/launch_presentation`]: {
        return_url: `${this.publicUrl}/sandbox`,
        locale: hint.locale ?? SANDBOX_DEFAULT_LOCALE,
        document_target: hint.documentTarget,
      },
      'https://blackboard.com/lti/claim/one_time_session_token': `${randomBytes(16).toString('hex')}_${user.id}`,
    };
    if (hint.messageType === 'LtiResourceLinkRequest' && hint.link) {
      claims[`${LTI}/resource_link`] = { id: hint.link.id, title: hint.link.title };
      if (Object.keys(hint.link.custom).length > 0) claims[`${LTI}/custom`] = hint.link.custom;
    } else {
      claims['https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings'] = {
        accept_types: ['ltiResourceLink', 'link'],
        accept_multiple: true,
        accept_presentation_document_targets: ['iframe', 'window'],
        auto_create: true,
        data: this.signedData(`${course.key}::${user.key}::${randomBytes(8).toString('hex')}`),
        deep_link_return_url: this.urls.deepLinkingReturn,
      };
    }
    return claims;
  }

  /** Opaque Deep Linking `data` the tool must echo unaltered; the signature lets us tell. */
  private signedData(value: string): string {
    return `${value}::${createHmac('sha256', this.hintKey).update(value).digest('base64url')}`;
  }

  private dataIsOurs(data: unknown): boolean {
    if (typeof data !== 'string') return false;
    const cut = data.lastIndexOf('::');
    if (cut < 0) return false;
    const expected = Buffer.from(this.signedData(data.slice(0, cut)));
    const actual = Buffer.from(data);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  /** Signs an id_token; iat and exp are taken from the claims when present. */
  async signIdToken(claims: JWTPayload): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const iat = claims.iat ?? now;
    return new SignJWT({ ...claims, iat, exp: claims.exp ?? iat + 3600 })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .sign(this.privateKey);
  }

  /**
   * Verifies a Deep Linking response as Blackboard does: signed by the tool's key,
   * iss = sub = client id, aud = this platform, the right message, data echoed unaltered.
   */
  async readDeepLinkingResponse(
    jwt: string,
  ): Promise<{ items: ContentItem[]; courseKey: string; userKey: string; message?: string }> {
    this.toolJwks ??= createRemoteJWKSet(new URL(this.urls.toolJwks), { cacheMaxAge: 60_000 });
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, this.toolJwks, {
        issuer: SANDBOX_PLATFORM.clientId,
        subject: SANDBOX_PLATFORM.clientId,
        audience: SANDBOX_PLATFORM.issuer,
        algorithms: ['RS256'],
        requiredClaims: ['iat', 'exp', 'nonce', 'sub'],
      }));
    } catch (error) {
      throw new SandboxRefusalError(
        text('sandbox:errors.refusedSignature', { detail: (error as Error).message }),
      );
    }
    if (payload[`${LTI}/message_type`] !== 'LtiDeepLinkingResponse') {
      throw new SandboxRefusalError(text('sandbox:errors.refusedMessageType'));
    }
    if (payload[`${LTI}/version`] !== '1.3.0')
      throw new SandboxRefusalError(text('sandbox:errors.refusedVersion'));
    if (payload[`${LTI}/deployment_id`] !== SANDBOX_PLATFORM.deploymentId) {
      throw new SandboxRefusalError(text('sandbox:errors.refusedDeployment'));
    }
    if (!this.dataIsOurs(payload['https://purl.imsglobal.org/spec/lti-dl/claim/data'])) {
      throw new SandboxRefusalError(text('sandbox:errors.refusedData'));
    }
    const items = payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'];
    const [courseKey = '', userKey = ''] = String(
      payload['https://purl.imsglobal.org/spec/lti-dl/claim/data'],
    ).split('::');
    return {
      items: Array.isArray(items) ? (items as ContentItem[]) : [],
      courseKey,
      userKey,
      message: payload['https://purl.imsglobal.org/spec/lti-dl/claim/msg'] as string | undefined,
    };
  }
}
