/**
 * The shell commands a Markdown document shows, as a reader would copy them.
 *
 * A command is:
 * - a command of a fenced code block in `sh`, `bash`, `shell`, `zsh`, `console` or no language
 *   (a block of something else, JSON, a directory tree, must say so: ```json, ```text). Lines
 *   ending in `\` and quotes left open continue on the next line; `&&`, `||` and `;` separate
 *   commands; `#` starts a comment (lines that are only a comment, such as `# → {...}` showing
 *   an answer, are not commands). In a `console` block only the lines after a `$ ` prompt are
 *   commands, the others are output;
 * - an inline code span outside code blocks that starts with `npx`, `npm`, `curl` or `node`
 *   (after any `NAME=value` assignments), or that is an assignment from a command, `KEY=$(...)`.
 */

/** One command of the document. */
export interface ShellCommand {
  /** The command with continuations joined and whitespace collapsed: what tables are keyed by. */
  readonly text: string;
  /** The command as written (continuation lines and quoted newlines kept): what is run. */
  readonly raw: string;
  /** The 1-based line of the document it starts on. */
  readonly line: number;
  /** Where it was found. */
  readonly source: 'block' | 'inline';
}

const SHELL_LANGUAGES = new Set(['', 'sh', 'bash', 'shell', 'zsh', 'console']);
const INLINE_COMMAND = /^(?:[A-Z_][A-Z0-9_]*=\S+ )*(?:npx|npm|curl|node) |^[A-Z_][A-Z0-9_]*=\$\(.+\)$/;

/** Whitespace runs to one space, outside and inside quotes alike (the key of a command). */
const collapse = (text: string): string => text.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Splits shell text into its commands. `firstLine` is the document line of the text's first
 * line; with `prompt`, only text after a `$ ` prompt at the start of a line is read.
 */
export function splitShell(text: string, firstLine = 1, prompt = false): ShellCommand[] {
  const out: ShellCommand[] = [];
  let raw = '';
  let startLine = firstLine;
  let line = firstLine;
  let quote: '"' | "'" | null = null;
  let atLineStart = true;
  const end = () => {
    const trimmed = raw.trim();
    if (trimmed !== '') out.push({ text: collapse(trimmed), raw: trimmed, line: startLine, source: 'block' });
    raw = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (atLineStart && quote === null && raw.trim() === '') {
      atLineStart = false;
      startLine = line;
      if (prompt) {
        if (text.startsWith('$ ', i)) {
          i += 1;
          continue;
        }
        // Output: skip the line.
        const next = text.indexOf('\n', i);
        if (next === -1) break;
        i = next;
        line++;
        atLineStart = true;
        continue;
      }
    }
    if (quote !== null) {
      if (c === '\\' && quote === '"' && i + 1 < text.length) {
        const escaped = text[++i] as string;
        raw += c + escaped;
        if (escaped === '\n') line++;
        continue;
      }
      raw += c;
      if (c === '\n') line++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') {
      raw += '\\\n';
      i++;
      line++;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      raw += c;
      continue;
    }
    if (c === '#' && (raw === '' || /\s$/.test(raw))) {
      const next = text.indexOf('\n', i);
      i = (next === -1 ? text.length : next) - 1;
      continue;
    }
    if (c === '\n') {
      end();
      line++;
      atLineStart = true;
      continue;
    }
    if ((c === '&' && text[i + 1] === '&') || (c === '|' && text[i + 1] === '|')) {
      end();
      i++;
      startLine = line;
      continue;
    }
    if (c === ';') {
      end();
      startLine = line;
      continue;
    }
    raw += c;
  }
  if (quote !== null) throw new Error(`line ${startLine}: a quote opened here is never closed`);
  end();
  return out;
}

/** A fenced code block: its language, its text (indentation of its fence removed), its first line. */
export interface CodeBlock {
  readonly language: string;
  readonly code: string;
  readonly line: number;
}

/** The fenced code blocks of `markdown`, and its text outside them (blocks blanked, lines kept). */
export function codeBlocks(markdown: string): { blocks: CodeBlock[]; prose: string } {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  const prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] as string);
    if (!open) {
      prose.push(lines[i] as string);
      continue;
    }
    const [, indent = '', fence = '', language = ''] = open;
    const body: string[] = [];
    prose.push('');
    let j = i + 1;
    for (; j < lines.length; j++) {
      const text = lines[j] as string;
      prose.push('');
      if (text.trim().startsWith(fence) && text.trim().replace(/[`~]/g, '') === '') break;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
    }
    if (j === lines.length) throw new Error(`line ${i + 1}: a code block opened here is never closed`);
    blocks.push({ language: language.toLowerCase(), code: body.join('\n'), line: i + 2 });
    i = j;
  }
  return { blocks, prose: prose.join('\n') };
}

/** Every shell command of `markdown`, in document order, each once (its first occurrence). */
export function extractCommands(markdown: string): ShellCommand[] {
  const { blocks, prose } = codeBlocks(markdown);
  const found: ShellCommand[] = [];
  for (const block of blocks) {
    if (!SHELL_LANGUAGES.has(block.language)) continue;
    found.push(...splitShell(block.code, block.line, block.language === 'console'));
  }
  for (const m of prose.matchAll(/(?<!`)`([^`]+)`(?!`)/g)) {
    const text = collapse(m[1] as string);
    if (/\n\s*\n/.test(m[1] as string) || !INLINE_COMMAND.test(text)) continue;
    const line = prose.slice(0, m.index).split('\n').length;
    found.push({ text, raw: text, line, source: 'inline' });
  }
  found.sort((a, b) => a.line - b.line);
  const seen = new Set<string>();
  return found.filter((c) => !seen.has(c.text) && seen.add(c.text));
}
