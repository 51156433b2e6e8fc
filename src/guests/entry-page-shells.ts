import { randomBytes } from 'node:crypto';
import { escapeXML } from 'ejs';
import type { Response } from 'express';
import { AppError } from '../errors';

const MAX_SHELLS = 1_000;

interface Shell {
  beforeToken: string;
  afterToken: string;
}

/**
 * The blank entry page differs between guests only in its CSRF token. When a class
 * opens a link at once, rendering the template for each of them (EJS resolves every
 * include on the file system per render) costs more than everything else the page
 * does, so the page is rendered once per room title and link and the token spliced in.
 */
export class EntryPageShells {
  private readonly shells = new Map<string, Shell>();
  // Only letters and digits: EJS's escaping leaves it as it is.
  private readonly placeholder = `glcsrf${randomBytes(12).toString('hex')}`;

  async send(res: Response, view: string, locals: Record<string, unknown>, csrfToken: string) {
    const key = JSON.stringify([view, locals]);
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
      res.app.render(view, { ...locals, csrfToken: this.placeholder }, (error, html) => {
        if (error) return reject(error);
        const parts = html.split(this.placeholder);
        if (parts.length !== 2)
          return reject(new AppError(500, 'TEMPLATE_BROKEN', `${view} must show its CSRF token once`));
        resolve({ beforeToken: parts[0]!, afterToken: parts[1]! });
      });
    });
  }
}
