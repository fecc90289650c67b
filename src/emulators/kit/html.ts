/** Markup that has already been escaped (or is trusted) and is inserted verbatim. */
export class SafeHtml {
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** Trusted markup, inserted without escaping. Never pass user input here. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  // false/null/undefined render as nothing so `cond && html\`...\`` works in templates.
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Tagged template: interpolations are escaped unless they are SafeHtml; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return new SafeHtml(out);
}

export type TextDirection = 'ltr' | 'rtl';

const RTL_LANGUAGES = new Set(['ar', 'fa', 'he', 'ur']);

export function directionFor(lang: string): TextDirection {
  const primary = lang.toLowerCase().split('-')[0] ?? '';
  return RTL_LANGUAGES.has(primary) ? 'rtl' : 'ltr';
}

export type PageOptions = {
  title: string;
  body: SafeHtml;
  lang?: string;
  dir?: TextDirection;
  /** Extra CSS appended after the base stylesheet; author-controlled, not escaped. */
  styles?: string;
};

const BASE_STYLES = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",Tahoma,Arial,sans-serif;
  font-size:16px;line-height:1.5;color:#1f2328;background:#f3f4f6}
main{max-width:480px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:20px;margin-bottom:16px}
h1{font-size:1.25rem;margin:0 0 12px}
label{display:block;font-weight:600;margin:12px 0 4px}
input{width:100%;padding:10px 12px;font-size:1rem;border:1px solid #c7ccd1;border-radius:8px;background:#fff}
input:focus{outline:2px solid #2563eb;outline-offset:1px;border-color:#2563eb}
button{font:inherit;cursor:pointer;border-radius:8px;padding:12px 16px;border:1px solid transparent}
.error{color:#b42318}
.muted{color:#57606a;font-size:.875rem}
`;

/** A complete HTML document; `dir` follows `lang` (Arabic → rtl) unless given. */
export function renderPage(options: PageOptions): string {
  const lang = options.lang ?? 'en';
  const dir = options.dir ?? directionFor(lang);
  const doc = html`<!doctype html>
<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<style>${raw(BASE_STYLES + (options.styles ?? ''))}</style>
</head>
<body>
${options.body}
</body>
</html>
`;
  return doc.value;
}
