/**
 * The tenant's e-mail templates are plain text with `{{placeholders}}` (DEFAULT_EMAIL_TEMPLATES shows
 * them, email-variables.ts lists which each type gets). A placeholder the type promises must have a
 * value: without one the render throws, because our code failed to give it and a customer would read a
 * hole. Any other placeholder (a word a business typed into its template) renders empty rather than
 * leaking `{{…}}`; the caller is told which ones so it can log them.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

export interface RenderedText {
  text: string;
  missing: string[];
}

export class MissingPlaceholderError extends Error {
  constructor(readonly placeholders: string[]) {
    super(`No value for the template placeholder(s) ${placeholders.join(', ')}`);
    this.name = 'MissingPlaceholderError';
  }
}

export function renderTemplate(
  template: string,
  variables: Readonly<Record<string, string>>,
  required: readonly string[] = [],
): RenderedText {
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = variables[name];
    if (value === undefined) {
      missing.add(name);
      return '';
    }
    return value;
  });
  const unfilled = [...missing].filter((name) => required.includes(name));
  if (unfilled.length > 0) throw new MissingPlaceholderError(unfilled);
  return { text, missing: [...missing] };
}

/** The placeholders a template uses, in order of first use. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/** A subject is one header line: line breaks in a value must never start a new header. */
export function singleLine(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
