/** LMS registrations as an administrator writes them, for tests of each LMS's own words. */

export const MOODLE = {
  name: 'Moodle',
  preset: 'moodle',
  issuer: 'https://moodle.example.edu',
  clientId: 'moodle-client-7',
  authEndpoint: 'https://moodle.example.edu/mod/lti/auth.php',
  tokenEndpoint: 'https://moodle.example.edu/mod/lti/token.php',
  jwksUrl: 'https://moodle.example.edu/mod/lti/certs.php',
  deploymentIds: ['1'],
};
export const CANVAS = {
  name: 'Canvas',
  preset: 'canvas',
  issuer: 'https://canvas.instructure.com',
  clientId: '10000000000042',
  authEndpoint: 'https://sso.canvaslms.com/api/lti/authorize_redirect',
  tokenEndpoint: 'https://sso.canvaslms.com/login/oauth2/token',
  jwksUrl: 'https://sso.canvaslms.com/api/lti/security/jwks',
  deploymentIds: ['12:abc'],
};
/** Written before presets were kept. */
export const NO_PRESET = {
  name: 'Example LMS',
  issuer: 'https://lms.example.edu',
  clientId: 'example-client',
  authEndpoint: 'https://lms.example.edu/auth',
  tokenEndpoint: 'https://lms.example.edu/token',
  jwksUrl: 'https://lms.example.edu/jwks',
  deploymentIds: ['x1'],
};
