import { AppError, type AppErrorOptions } from '../errors';
import { platformWords, type PlatformWords } from '../platforms/platform-words';

/** A launch or login the tool refuses to trust. */
export class LaunchRefusedError extends AppError {
  /** ltijs's own code for a refusal it made (e.g. "INVALID_SIGNATURE"), for the warn log. */
  readonly reasonCode?: string;

  constructor(reason: string, options: AppErrorOptions & { reasonCode?: string } = {}) {
    const { reasonCode, ...rest } = options;
    super(401, 'LAUNCH_REFUSED', reason, { title: 'This launch could not be verified', ...rest });
    this.reasonCode = reasonCode;
  }
}

/**
 * The ids a refused login or launch carried, as received: untrusted, shortened, shown to
 * the administrator as text (never HTML) so they can fix the registration.
 */
export interface ReceivedIds {
  issuer?: string;
  clientId?: string;
  deploymentId?: string;
}

/** The rows of the "what Guestlink received" list on a refusal page. */
function receivedRows(received: ReceivedIds): Array<{ label: string; value: string }> {
  const rows: Array<[string, string | undefined]> = [
    ['Issuer', received.issuer],
    ['Client ID', received.clientId],
    ['Deployment ID', received.deploymentId],
  ];
  return rows.map(([label, value]) => ({ label, value: value ?? '(not sent)' }));
}

/**
 * Thrown by the guards without details; launch-refusals.ts replaces it with one that names
 * the platform in its own words and lists what was received.
 */
export class DeploymentNotRegisteredError extends AppError {
  constructor(
    readonly received?: ReceivedIds,
    words: PlatformWords = platformWords(undefined),
  ) {
    super(
      403,
      'DEPLOYMENT_NOT_REGISTERED',
      `This deployment of ${words.lmsName} is not registered with Guestlink.`,
      {
        title: 'Deployment not registered',
        locals: {
          hint: `Ask ${words.administrator} to send the deployment id below to the Guestlink administrator, who adds it to the platform registration. ${words.whereToFindDeploymentId}`,
          ...(received ? { received: receivedRows(received) } : {}),
        },
      },
    );
  }
}

/** A login or launch from an issuer and client id no registration lists. */
export class PlatformNotRegisteredError extends LaunchRefusedError {
  constructor(
    readonly received?: ReceivedIds,
    reason = 'The platform or client id that started this launch is not registered with Guestlink.',
  ) {
    super(reason, {
      title: 'Platform not registered',
      locals: {
        hint: 'Ask your LMS administrator to send the issuer and client id below to the Guestlink administrator, who registers them with “npm run platforms -- add”.',
        ...(received ? { received: receivedRows(received) } : {}),
      },
    });
  }
}

export class LoginParametersMissingError extends AppError {
  constructor(missing: string[]) {
    super(400, 'MISSING_LOGIN_PARAMETERS', `The LTI login request is missing: ${missing.join(', ')}.`, {
      title: 'Incomplete launch request',
      field: missing[0],
    });
  }
}

/**
 * Explains ltijs's validation codes to people. ltijs reports a code (or a jsonwebtoken
 * message); each becomes a sentence that says what went wrong without internals.
 */
const LTIJS_REASONS: Array<[RegExp, string]> = [
  [
    /MISSING_VALIDATION_COOKIE|ISS_CLAIM_DOES_NOT_MATCH/,
    'The browser did not send back the cookie set when the launch started. This usually happens when the browser blocks cookies inside the LMS’s frame; open the tool in a new window and try again.',
  ],
  [/NONCE_ALREADY_RECEIVED/, 'This launch has already been used. Launch the tool again from your course.'],
  [
    /TOKEN_TOO_OLD|jwt expired/,
    'The launch took too long or has expired. Launch the tool again from your course.',
  ],
  [
    /invalid signature|KEY_NOT_FOUND|KID_NOT_FOUND|KEYSET_NOT_FOUND|jwt malformed|invalid token|INVALID_JWT_RECEIVED/,
    'The launch was not signed by the registered platform.',
  ],
  [
    /UNREGISTERED_PLATFORM|AZP_DOES_NOT_MATCH_CLIENTID|jwt audience invalid/,
    'The launch came from a platform or client id that is not registered with Guestlink.',
  ],
  [/PLATFORM_NOT_ACTIVATED/, 'This platform registration is not active.'],
  [/NO_MESSAGE_TYPE_CLAIM/, 'The launch has an unsupported message type.'],
  [/WRONG_LTI_VERSION_CLAIM|NO_LTI_VERSION_CLAIM/, 'The launch is not an LTI 1.3 launch.'],
  [/NO_RESOURCE_LINK_ID_CLAIM/, 'The launch does not name a resource link.'],
  [/ALG_NOT_RS256|invalid algorithm/, 'The launch was signed with an algorithm other than RS256.'],
  [
    /jwt not active|jwt issued in the future/,
    'The launch token is not valid yet; check the clocks of the platform and the tool.',
  ],
  [
    /NO_DEPLOYMENT_ID_CLAIM|NO_SUB_CLAIM|NO_ROLES_CLAIM|NO_TARGET_LINK_URI_CLAIM/,
    'The launch is missing a required LTI claim.',
  ],
];

export function reasonForLtijsCode(code: string): string {
  for (const [pattern, reason] of LTIJS_REASONS) if (pattern.test(code)) return reason;
  return 'The launch could not be verified. Launch the tool again from your course.';
}

export class KeysetUnavailableError extends AppError {
  constructor() {
    super(
      503,
      'KEYSET_UNAVAILABLE',
      'The LMS’s signing keys could not be fetched. Please try the launch again in a moment.',
      {
        title: 'Temporarily unavailable',
        headers: { 'Retry-After': '5' },
      },
    );
  }
}

export class DeepLinkingUnsupportedError extends AppError {
  constructor(message: string) {
    super(400, 'DEEP_LINKING_UNSUPPORTED', message, { title: 'Cannot add content here' });
  }
}
