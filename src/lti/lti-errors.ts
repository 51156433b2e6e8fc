import { AppError, type AppErrorOptions } from '../errors';
import { text, type LocalizedText } from '../i18n/translator';
import { platformWords, type PlatformWords } from '../platforms/platform-words';

/** A launch or login the tool refuses to trust. */
export class LaunchRefusedError extends AppError {
  /** ltijs's own code for a refusal it made (e.g. "INVALID_SIGNATURE"), for the warn log. */
  readonly reasonCode?: string;

  constructor(reason: LocalizedText, options: AppErrorOptions & { reasonCode?: string } = {}) {
    const { reasonCode, ...rest } = options;
    super(401, 'LAUNCH_REFUSED', reason, { title: text('lti:refused.title'), ...rest });
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

/** One row of the "what Guestlink received" list: its label and the value as received. */
export interface ReceivedRow {
  label: LocalizedText;
  value: string | LocalizedText;
}

/** The rows of the "what Guestlink received" list on a refusal page (views/message.ejs). */
function receivedRows(received: ReceivedIds): ReceivedRow[] {
  const rows: Array<[LocalizedText, string | undefined]> = [
    [text('lti:received.issuer'), received.issuer],
    [text('lti:received.clientId'), received.clientId],
    [text('lti:received.deploymentId'), received.deploymentId],
  ];
  return rows.map(([label, value]) => ({ label, value: value ?? text('lti:received.notSent') }));
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
      words.registeredName === undefined
        ? text('lti:deployment.unregisteredOfUnknown')
        : text('lti:deployment.unregistered', { lmsName: words.registeredName }),
      {
        title: text('lti:deployment.title'),
        locals: {
          // Two whole sentences: whom to ask, and where that LMS shows the id.
          hint: [
            words.registeredName === undefined
              ? text('lti:deployment.askUnknownAdministrator')
              : text('lti:deployment.askAdministrator', { lmsName: words.registeredName }),
            words.whereToFindDeploymentId,
          ],
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
    reason: LocalizedText = text('lti:platform.unregistered'),
  ) {
    super(reason, {
      title: text('lti:platform.title'),
      locals: {
        hint: text('lti:platform.hint'),
        ...(received ? { received: receivedRows(received) } : {}),
      },
    });
  }
}

export class LoginParametersMissingError extends AppError {
  constructor(missing: string[]) {
    super(400, 'MISSING_LOGIN_PARAMETERS', text('lti:login.missing', { names: missing.join(', ') }), {
      title: text('lti:login.incompleteTitle'),
      field: missing[0],
    });
  }
}

/**
 * Explains ltijs's validation codes to people. ltijs reports a code (or a jsonwebtoken
 * message); each becomes a sentence that says what went wrong without internals.
 */
const LTIJS_REASONS: Array<[RegExp, LocalizedText]> = [
  [/MISSING_VALIDATION_COOKIE|ISS_CLAIM_DOES_NOT_MATCH/, text('lti:refused.cookieMissing')],
  [/NONCE_ALREADY_RECEIVED/, text('lti:refused.alreadyUsed')],
  [/TOKEN_TOO_OLD|jwt expired/, text('lti:refused.expired')],
  [
    /invalid signature|KEY_NOT_FOUND|KID_NOT_FOUND|KEYSET_NOT_FOUND|jwt malformed|invalid token|INVALID_JWT_RECEIVED/,
    text('lti:refused.badSignature'),
  ],
  [
    /UNREGISTERED_PLATFORM|AZP_DOES_NOT_MATCH_CLIENTID|jwt audience invalid/,
    text('lti:platform.launchUnregistered'),
  ],
  [/PLATFORM_NOT_ACTIVATED/, text('lti:refused.notActive')],
  [/NO_MESSAGE_TYPE_CLAIM/, text('lti:refused.messageType')],
  [/WRONG_LTI_VERSION_CLAIM|NO_LTI_VERSION_CLAIM/, text('lti:refused.version')],
  [/NO_RESOURCE_LINK_ID_CLAIM/, text('lti:refused.noResourceLink')],
  [/ALG_NOT_RS256|invalid algorithm/, text('lti:refused.algorithm')],
  [/jwt not active|jwt issued in the future/, text('lti:refused.notYetValid')],
  [
    /NO_DEPLOYMENT_ID_CLAIM|NO_SUB_CLAIM|NO_ROLES_CLAIM|NO_TARGET_LINK_URI_CLAIM/,
    text('lti:refused.missingClaim'),
  ],
];

export function reasonForLtijsCode(code: string): LocalizedText {
  for (const [pattern, reason] of LTIJS_REASONS) if (pattern.test(code)) return reason;
  return text('lti:refused.unverified');
}

export class KeysetUnavailableError extends AppError {
  constructor() {
    super(503, 'KEYSET_UNAVAILABLE', text('lti:keysetUnavailable'), {
      title: text('errors:status.503'),
      headers: { 'Retry-After': '5' },
    });
  }
}

export class DeepLinkingUnsupportedError extends AppError {
  constructor(message: LocalizedText) {
    super(400, 'DEEP_LINKING_UNSUPPORTED', message, { title: text('lti:deepLinking.cannotAddTitle') });
  }
}
