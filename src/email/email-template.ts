/**
 * The tenant's e-mail templates are plain text with `{{placeholders}}` (DEFAULT_EMAIL_TEMPLATES shows
 * them). A placeholder without a value renders empty rather than leaking `{{…}}` to a customer; the
 * caller is told which ones were missing so it can log them.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

export interface RenderedText {
  text: string;
  missing: string[];
}

export function renderTemplate(template: string, variables: Readonly<Record<string, string>>): RenderedText {
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = variables[name];
    if (value === undefined) {
      missing.add(name);
      return '';
    }
    return value;
  });
  return { text, missing: [...missing] };
}

/** A subject is one header line: line breaks in a value must never start a new header. */
export function singleLine(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
