import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { showInvisibles } from './render/invisibles';

/** Where templates live: `views/` next to `src/` and `dist/`, so both run. */
export const VIEWS_DIR = path.join(__dirname, '..', 'views');

/**
 * The Handlebars templates, compiled once at start. Pages wrap themselves in the
 * `layout` partial (or `fragment` for live refreshes), so no template ever needs
 * a triple-stash: everything shown goes through Handlebars' HTML escaping, and
 * bidi and control characters come out visibly escaped (`showInvisibles`).
 */
export class Views {
  private readonly hbs = Handlebars.create();
  private readonly pages = new Map<string, Handlebars.TemplateDelegate>();

  constructor(dir = VIEWS_DIR) {
    for (const file of readdirSync(path.join(dir, 'partials'))) {
      if (file.endsWith('.hbs')) this.hbs.registerPartial(file.slice(0, -4), readFileSync(path.join(dir, 'partials', file), 'utf8'));
    }
    for (const file of readdirSync(path.join(dir, 'pages'))) {
      if (file.endsWith('.hbs')) {
        this.pages.set(file.slice(0, -4), this.hbs.compile(readFileSync(path.join(dir, 'pages', file), 'utf8'), { strict: false }));
      }
    }
  }

  /** Renders page `name` with `model`. */
  render(name: string, model: object): string {
    const page = this.pages.get(name);
    if (!page) throw new Error(`No view "${name}" in ${VIEWS_DIR}`);
    return showInvisibles(page(model, { allowProtoPropertiesByDefault: false }));
  }
}
