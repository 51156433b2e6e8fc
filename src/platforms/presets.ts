export const PRESET_NAMES = ['blackboard', 'moodle', 'canvas', 'custom'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface PresetInput {
  clientId: string;
  deploymentIds: string[];
  name?: string;
  /** Required for moodle (the site URL) and custom; optional override for the others. */
  issuer?: string;
  authEndpoint?: string;
  tokenEndpoint?: string;
  jwksUrl?: string;
}

/** Anthology Developer Portal endpoints, shared by every Blackboard Learn institution. */
export const BLACKBOARD = {
  issuer: 'https://blackboard.com',
  authEndpoint: 'https://developer.blackboard.com/api/v1/gateway/oidcauth',
  tokenEndpoint: 'https://developer.blackboard.com/api/v1/gateway/oauth2/jwttoken',
  jwksUrl: (clientId: string) =>
    `https://developer.blackboard.com/api/v1/management/applications/${encodeURIComponent(clientId)}/jwks.json`,
};

const CANVAS = {
  issuer: 'https://canvas.instructure.com',
  authEndpoint: 'https://sso.canvaslms.com/api/lti/authorize_redirect',
  tokenEndpoint: 'https://sso.canvaslms.com/login/oauth2/token',
  jwksUrl: 'https://sso.canvaslms.com/api/lti/security/jwks',
};

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Builds an (unvalidated) registration from a preset. The caller validates it with
 * platformRegistrationSchema, so missing values surface as named field errors.
 */
export function registrationFromPreset(preset: PresetName, input: PresetInput): Record<string, unknown> {
  const base = { preset, clientId: input.clientId, deploymentIds: input.deploymentIds };
  switch (preset) {
    case 'blackboard':
      return {
        name: input.name ?? 'Blackboard Learn',
        issuer: input.issuer ?? BLACKBOARD.issuer,
        authEndpoint: input.authEndpoint ?? BLACKBOARD.authEndpoint,
        tokenEndpoint: input.tokenEndpoint ?? BLACKBOARD.tokenEndpoint,
        jwksUrl: input.jwksUrl ?? BLACKBOARD.jwksUrl(input.clientId),
        ...base,
      };
    case 'canvas':
      return {
        name: input.name ?? 'Canvas',
        issuer: input.issuer ?? CANVAS.issuer,
        authEndpoint: input.authEndpoint ?? CANVAS.authEndpoint,
        tokenEndpoint: input.tokenEndpoint ?? CANVAS.tokenEndpoint,
        jwksUrl: input.jwksUrl ?? CANVAS.jwksUrl,
        ...base,
      };
    case 'moodle': {
      const site = input.issuer === undefined ? undefined : stripTrailingSlash(input.issuer);
      return {
        name: input.name ?? 'Moodle',
        issuer: site,
        authEndpoint: input.authEndpoint ?? (site && `${site}/mod/lti/auth.php`),
        tokenEndpoint: input.tokenEndpoint ?? (site && `${site}/mod/lti/token.php`),
        jwksUrl: input.jwksUrl ?? (site && `${site}/mod/lti/certs.php`),
        ...base,
      };
    }
    case 'custom':
      return {
        name: input.name ?? input.issuer,
        issuer: input.issuer,
        authEndpoint: input.authEndpoint,
        tokenEndpoint: input.tokenEndpoint,
        jwksUrl: input.jwksUrl,
        ...base,
      };
  }
}
