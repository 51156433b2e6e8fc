import { randomInt } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import { ValidationError } from '../errors';
import { text } from '../i18n/translator';
import { i18nOf } from '../http/request-locale';
import type { Translator } from '../i18n';
import {
  findCourse,
  findUser,
  SANDBOX_COURSES,
  SANDBOX_PLATFORM,
  SANDBOX_USERS,
  type SandboxLink,
  type SandboxUser,
} from './sample-data';
import {
  type MessageHint,
  type SandboxPlatform,
  WITHHELD_FIELDS,
  type WithheldField,
  SANDBOX_DEFAULT_LOCALE,
} from './sandbox-platform';
import { SandboxInvalidRequestError, SandboxRefusalError } from './sandbox-errors';

/** The name of the sandbox page's storage frame, as Blackboard Learn names its own. */
export const SANDBOX_STORAGE_FRAME = 'lti_storage_frame';

function queryString(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `withhold=name`, `withhold=email` (either or both): the user fields this launch leaves out. */
function withheldFields(req: Request): WithheldField[] {
  const raw = (req.query as Record<string, unknown>).withhold;
  const values = (Array.isArray(raw) ? raw : [raw]).filter(
    (value) => typeof value === 'string' && value !== '',
  );
  const unknown = values.find((value) => !(WITHHELD_FIELDS as readonly unknown[]).includes(value));
  if (unknown !== undefined) throw new ValidationError(text('sandbox:errors.withhold'), 'withhold');
  return WITHHELD_FIELDS.filter((field) => values.includes(field));
}

/** The sample users' roles in the visitor's words; their names are data and stay as they are. */
const USER_LABELS: Record<string, string> = {
  instructor: 'sandbox:user.instructor',
  'co-instructor': 'sandbox:user.coInstructor',
  'teaching-assistant': 'sandbox:user.teachingAssistant',
  student: 'sandbox:user.student',
};

function userLabel(i18n: Translator, user: SandboxUser): string {
  const key = USER_LABELS[user.key];
  return key ? i18n.t(key, { name: `${user.givenName} ${user.familyName}` }) : user.label;
}

/** Languages the sandbox's users can launch in, as an LMS names them (each in its own language). */
const SANDBOX_LAUNCH_LOCALES = [
  { value: 'en-US', label: 'English (en-US)' },
  { value: 'es-ES', label: 'Español (es-ES)' },
  { value: 'fr-FR', label: 'Français (fr-FR)' },
  { value: 'de-DE', label: 'Deutsch (de-DE)' },
  { value: 'nl-NL', label: 'Nederlands (nl-NL)' },
  { value: 'ar-SA', label: 'العربية (ar-SA)' },
] as const;

/** The locale the launch names (`locale=es-ES`), as an LMS sends its user's language; en-US when absent. */
function launchLocale(req: Request): string {
  const locale = queryString(req, 'locale') ?? SANDBOX_DEFAULT_LOCALE;
  if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/.test(locale))
    throw new ValidationError(text('sandbox:errors.locale'), 'locale');
  return locale;
}

/**
 * The sandbox LMS's pages and endpoints: its launch page, its OIDC authorization
 * endpoint, its JWKS, and its Deep Linking return URL.
 */
export function sandboxRouter(sandbox: SandboxPlatform): Router {
  const router = express.Router();

  router.get('/', (req, res) => {
    // The page frames the tool, which may live on another site (SANDBOX_URL): allow it.
    const policy = res.getHeader('Content-Security-Policy');
    if (typeof policy === 'string') {
      res.set('Content-Security-Policy', `${policy};frame-src 'self' ${sandbox.toolOrigin}`);
    }
    const i18n = i18nOf(res);
    res.render('sandbox/index', {
      users: SANDBOX_USERS.map((user) => ({ key: user.key, label: userLabel(i18n, user) })),
      courses: SANDBOX_COURSES,
      selected: {
        user: queryString(req, 'user') ?? 'instructor',
        placement: queryString(req, 'placement') ?? 'bio-101/live-session',
        storage: queryString(req, 'storage') === 'off' ? 'off' : 'on',
        // The launch speaks the visitor's language unless they choose another.
        locale:
          queryString(req, 'locale') ??
          SANDBOX_LAUNCH_LOCALES.find((option) => option.value.startsWith(`${i18n.locale}-`))?.value,
      },
      localeOptions: SANDBOX_LAUNCH_LOCALES,
      storageFrameUrl: sandbox.urls.storageFrame,
      toolOrigin: sandbox.toolOrigin,
    });
  });

  // Blackboard-like platform storage (1EdTech "LTI postMessage Storage"): a hidden frame of
  // the sandbox page, on the sandbox's origin, that keeps what the tool's pages put there.
  router.get('/storage-frame', (_req, res) => {
    res.render('sandbox/storage-frame', { toolOrigin: sandbox.toolOrigin });
  });

  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(sandbox.jwks());
  });

  // Step 1, as in Learn: the LMS sends the browser to the tool's login initiation URL.
  router.get('/launch', async (req, res) => {
    const user = findUser(queryString(req, 'user') ?? '');
    if (!user) throw new ValidationError(text('sandbox:errors.user'), 'user');
    const [courseKey, linkKey] = (queryString(req, 'placement') ?? '').split('/');
    const course = findCourse(courseKey ?? '');
    if (!course) throw new ValidationError(text('sandbox:errors.course'), 'placement');
    let link: SandboxLink | null = null;
    if (linkKey === 'placed') {
      link = await sandbox.readPlacedItem(queryString(req, 'item') ?? '');
    } else if (linkKey !== 'deep-linking') {
      const found = course.links.find((candidate) => candidate.key === linkKey);
      if (!found) throw new ValidationError(text('sandbox:errors.placement'), 'placement');
      link = { id: found.id, title: found.title, custom: found.custom };
    }
    const hint: MessageHint = {
      courseKey: course.key,
      messageType: link ? 'LtiResourceLinkRequest' : 'LtiDeepLinkingRequest',
      link,
      deploymentId:
        queryString(req, 'deployment') === 'unregistered'
          ? SANDBOX_PLATFORM.unregisteredDeploymentId
          : SANDBOX_PLATFORM.deploymentId,
      documentTarget: queryString(req, 'target') === 'window' ? 'window' : 'iframe',
      withheld: withheldFields(req),
      locale: launchLocale(req),
    };
    const login = new URL(sandbox.urls.toolLogin);
    login.search = new URLSearchParams({
      iss: SANDBOX_PLATFORM.issuer,
      login_hint: user.id,
      target_link_uri: sandbox.urls.toolLaunch,
      lti_message_hint: await sandbox.signMessageHint(hint),
      lti_deployment_id: hint.deploymentId,
      client_id: SANDBOX_PLATFORM.clientId,
      // "Blackboard-like": the login names the storage frame; "Moodle-like" (off, and the
      // default of a bare /sandbox/launch): no storage, so only cookies can bind the launch.
      ...(queryString(req, 'storage') === 'on' ? { lti_storage_target: SANDBOX_STORAGE_FRAME } : {}),
    }).toString();
    res.redirect(302, login.toString());
  });

  // Step 2: the tool sends the browser here; the platform answers with a signed id_token.
  router.get('/auth', async (req, res) => {
    const required = [
      'response_type',
      'response_mode',
      'scope',
      'client_id',
      'redirect_uri',
      'login_hint',
      'nonce',
      'state',
    ];
    const missing = required.filter((name) => !queryString(req, name));
    if (missing.length > 0)
      throw new ValidationError(
        text('sandbox:errors.authMissing', { names: missing.join(', ') }),
        missing[0],
      );
    if (
      queryString(req, 'response_type') !== 'id_token' ||
      queryString(req, 'response_mode') !== 'form_post'
    ) {
      throw new ValidationError(text('sandbox:errors.responseType'), 'response_type');
    }
    if (!(queryString(req, 'scope') ?? '').split(' ').includes('openid')) {
      throw new ValidationError(text('sandbox:errors.scope'), 'scope');
    }
    if (queryString(req, 'client_id') !== SANDBOX_PLATFORM.clientId) {
      throw new ValidationError(text('sandbox:errors.clientId'), 'client_id');
    }
    if (queryString(req, 'redirect_uri') !== sandbox.urls.toolLaunch) {
      throw new ValidationError(
        text('sandbox:errors.redirectUri', { url: sandbox.urls.toolLaunch }),
        'redirect_uri',
      );
    }
    const user = SANDBOX_USERS.find((candidate) => candidate.id === queryString(req, 'login_hint'));
    if (!user) throw new ValidationError(text('sandbox:errors.loginHint'), 'login_hint');
    const hint = await sandbox.useMessageHint(queryString(req, 'lti_message_hint') ?? '');
    if (!hint) throw new SandboxInvalidRequestError();
    const course = findCourse(hint.courseKey)!;
    const claims = sandbox.launchClaims({
      user,
      course,
      hint,
      nonce: queryString(req, 'nonce')!,
      targetLinkUri: sandbox.urls.toolLaunch,
    });
    const i18n = i18nOf(res);
    res.render('lti/form-post', {
      title: i18n.t('sandbox:post.title'),
      message: i18n.t('sandbox:post.message'),
      action: sandbox.urls.toolLaunch,
      fields: { id_token: await sandbox.signIdToken(claims), state: queryString(req, 'state') },
    });
  });

  router.post('/token', (_req, res) => {
    res.status(400).json({
      error: 'unsupported_grant_type',
      error_description: 'The Guestlink LMS sandbox offers no LTI Advantage services.',
    });
  });

  // Step 3 of Deep Linking: the tool posts the chosen content back.
  router.post('/deep-linking/return', async (req, res) => {
    const jwt = (req.body as Record<string, unknown> | undefined)?.JWT;
    if (typeof jwt !== 'string' || jwt === '')
      throw new SandboxRefusalError(text('sandbox:errors.refusedNoJwt'));
    const { items, message, courseKey, userKey } = await sandbox.readDeepLinkingResponse(jwt);
    const course = findCourse(courseKey) ?? SANDBOX_COURSES[0]!;
    const user = findUser(userKey) ?? SANDBOX_USERS[0]!;
    const i18n = i18nOf(res);
    const untitled = i18n.t('sandbox:result.untitled');
    const placed = await Promise.all(
      items.map(async (item) => {
        if (item.type !== 'ltiResourceLink')
          return { ...item, title: item.title ?? untitled, launchHref: null };
        const link: SandboxLink = {
          id: `_${randomInt(1000, 99999)}_1`,
          title: item.title ?? untitled,
          custom: Object.fromEntries(
            Object.entries(item.custom ?? {}).map(([key, value]) => [key, String(value)]),
          ),
        };
        const launch = new URLSearchParams({
          user: user.key,
          placement: `${course.key}/placed`,
          item: await sandbox.signPlacedItem(link),
        });
        return { ...item, title: link.title, launchHref: `/sandbox/launch?${launch.toString()}` };
      }),
    );
    res.render('sandbox/deep-linking-result', {
      course,
      items: placed,
      message: message ?? null,
      userLabel: userLabel(i18n, user),
    });
  });

  return router;
}
