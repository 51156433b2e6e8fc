import { randomBytes } from 'node:crypto';
import { escapeXML } from 'ejs';
import type { Response } from 'express';
import { AppError } from '../errors';
import { i18nOf } from '../http/request-locale';
import { text } from '../i18n/translator';

const MAX_SHELLS = 1_000;

interface Shell {
  beforeToken: string;
  afterToken: string;
}

/**
 * The blank entry page differs between guests only in its CSRF token. When a class
 * opens a link at once, rendering the template for each of them (EJS resolves every
 * include on the file system per render) costs more than everything else the page
 * does, so the page is rendered once per room title, link and locale, and the token spliced
 * in. At most MAX_SHELLS pages are kept (all forgotten at once when full): six locales of a
 * busy link are six entries.
 */
export class EntryPageShells {
  private readonly shells = new Map<string, Shell>();
  // Only letters and digits: EJS's escaping leaves it as it is.
  private readonly placeholder = `glcsrf${randomBytes(12).toString('hex')}`;

  async send(res: Response, view: string, locals: Record<string, unknown>, csrfToken: string) {
    const i18n = i18nOf(res);
    const key = `${i18n.locale}|${JSON.stringify([view, locals])}`;
    let shell = this.shells.get(key);
    if (!shell) {
      shell = await this.render(res, view, locals);
      if (this.shells.size >= MAX_SHELLS) this.shells.clear();
      this.shells.set(key, shell);
    }
    // Escaped as the template would: csrf-csrf hands back a token from the browser's own
    // cookie when its signed part checks out, whatever else that cookie carries.
    res.type('html').send(shell.beforeToken + escapeXML(csrfToken) + shell.afterToken);
  }

  private render(res: Response, view: string, locals: Record<string, unknown>): Promise<Shell> {
    return new Promise((resolve, reject) => {
      // app.render sees no res.locals: the page's language goes in with its locals.
      const language = ['t', 'tHtml', 'lang', 'dir', 'clientMessages'].map((name) => [
        name,
        res.locals[name],
      ]);
      const all = { ...Object.fromEntries(language), ...locals, csrfToken: this.placeholder };
      res.app.render(view, all, (error, html) => {
        if (error) return reject(error);
        const parts = html.split(this.placeholder);
        if (parts.length !== 2)
          return reject(
            new AppError(500, 'TEMPLATE_BROKEN', text('errors:internal'), {
              cause: `${view} must show its CSRF token once`,
            }),
          );
        resolve({ beforeToken: parts[0]!, afterToken: parts[1]! });
      });
    });
  }
}
