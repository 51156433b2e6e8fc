import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../src/paths';
import { scriptLiterals, templateLiterals } from '../../helpers/literal-scan';

function filesUnder(dir: string, extension: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, extension);
    return entry.name.endsWith(extension) ? [path.relative(PROJECT_ROOT, full)] : [];
  });
}

describe('no words written into templates', () => {
  it.each(filesUnder(path.join(PROJECT_ROOT, 'views'), '.ejs'))('%s', (file) => {
    expect(templateLiterals(path.join(PROJECT_ROOT, file))).toEqual([]);
  });
});

describe('no words written into browser scripts', () => {
  it.each(filesUnder(path.join(PROJECT_ROOT, 'public', 'js'), '.js'))('%s', (file) => {
    expect(scriptLiterals(path.join(PROJECT_ROOT, file))).toEqual([]);
  });
});

describe('the scanners themselves', () => {
  const tmp = path.join(PROJECT_ROOT, 'test', 'unit', 'i18n');
  it('find text, read attributes and prose strings, and let keys, classes and symbols be', () => {
    const view = path.join(tmp, '.scan-sample.ejs');
    const script = path.join(tmp, '.scan-sample.js');
    fs.writeFileSync(
      view,
      '<p class="x"><%= t(\'guest:entry.title\') %></p>\n<p>Join now</p>\n<button aria-label="Close">×</button>\n<span>Guestlink · 3</span>',
    );
    fs.writeFileSync(
      script,
      "el.textContent = Guestlink.t('lobby:js.waiting');\nel.className = 'lobby-row is-waiting';\nshow('Could not copy the link.');\nalert(\"Admit all guests\");",
    );
    try {
      expect(templateLiterals(view)).toEqual(['line 2: Join now', 'line 3: aria-label="Close"']);
      expect(scriptLiterals(script)).toEqual([
        'line 3: Could not copy the link.',
        'line 4: Admit all guests',
      ]);
    } finally {
      fs.rmSync(view);
      fs.rmSync(script);
    }
  });
});
