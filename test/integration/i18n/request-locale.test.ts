import request from 'supertest';
import { sandboxLaunch } from '../../helpers/lti-launch';
import { startTestServer, type TestServer } from '../../helpers/test-server';

/** Every response speaks one locale: the launch's for launched users, else the visitor's choice or browser. */
describe('the language of a response', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('follows Accept-Language on pages and JSON errors, English without it', async () => {
    const german = await request(server.url).get('/nowhere').set('Accept-Language', 'de-DE,de;q=0.9');
    expect(german.status).toBe(404);
    expect(german.text).toContain('<html lang="de" dir="ltr">');
    expect(german.text).toContain('Seite nicht gefunden');
    const json = await request(server.url)
      .get('/nowhere')
      .set('Accept-Language', 'fr-CA')
      .set('Accept', 'application/json');
    expect(json.body.error.message).toBe('Nous n’avons pas trouvé cette page.');
    const plain = await request(server.url).get('/nowhere');
    expect(plain.text).toContain('<html lang="en" dir="ltr">');
    expect(plain.text).toContain('Page not found');
  });

  it('is right to left in Arabic', async () => {
    const arabic = await request(server.url).get('/nowhere').set('Accept-Language', 'ar-EG');
    expect(arabic.text).toContain('<html lang="ar" dir="rtl">');
  });

  it('is the picked language once the picker set its cookie, over the browser’s', async () => {
    const agent = request.agent(server.url);
    const picked = await agent
      .post('/language')
      .type('form')
      .send({ lang: 'nl', return: '/g/abc' })
      .expect(303);
    expect(picked.headers.location).toBe('/g/abc');
    expect(String(picked.headers['set-cookie'])).toMatch(/gl_lang=nl;.*HttpOnly; SameSite=Lax/);
    const page = await agent.get('/nowhere').set('Accept-Language', 'de');
    expect(page.text).toContain('<html lang="nl"');
  });

  it('refuses an unknown language and goes back only to this site', async () => {
    const unknown = await request(server.url).post('/language').type('form').send({ lang: 'xx' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Choose one of the languages in the list.');
    for (const target of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ])
      expect(
        (await request(server.url).post('/language').type('form').send({ lang: 'es', return: target }))
          .headers.location,
      ).toBe('/');
  });

  it('is the launch’s locale for launched users, whatever the browser says', async () => {
    const launch = await sandboxLaunch(server, { locale: 'es-ES' });
    expect(launch.html).toContain('<html lang="es" dir="rtl"'.replace('rtl', 'ltr'));
    const refused = await request(server.url)
      .get(`/api/rooms/${launch.roomId}/no-such-thing`)
      .set('Authorization', `Bearer ${launch.ltik}`)
      .set('Accept-Language', 'de');
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toBe('No hemos encontrado esa página.');
  });
});
