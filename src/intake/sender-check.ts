import { emailDomain, parseAddressHeader } from './extraction/contacts.js';

/**
 * Whether a mail may become a lead (docs/architecture.md, step 1): its From must be one of the tenant's
 * allowed sender domains (or a subdomain), and where the receiving server wrote an
 * `Authentication-Results` header, DKIM or SPF must have passed for that domain (DMARC passing says
 * the same). A From anyone can type must not cost the tenant an SMS.
 */
export type SenderVerdict =
  | { accepted: true; senderEmail: string; domain: string }
  | { accepted: false; reason: string; senderEmail: string | null };

function aligned(domain: string, fromDomain: string): boolean {
  const a = domain.toLowerCase().replace(/^@/, '');
  return a === fromDomain || fromDomain.endsWith(`.${a}`) || a.endsWith(`.${fromDomain}`);
}

function domainOfIdentity(identity: string): string {
  const value = identity.replace(/^["']|["']$/g, '');
  return (value.includes('@') ? emailDomain(value) : value).toLowerCase();
}

/** Method results of one header: `dkim=pass header.d=x.dk header.i=@x.dk`, `spf=pass smtp.mailfrom=a@x.dk`… */
interface MethodResult {
  method: string;
  result: string;
  properties: Map<string, string>;
}

export function parseAuthenticationResults(header: string): MethodResult[] {
  // Comments in parentheses carry prose ("google.com: domain of … designates …"): drop them.
  const withoutComments = header.replace(/\([^()]*\)/g, ' ');
  const [, ...statements] = withoutComments.split(';');
  const results: MethodResult[] = [];
  for (const statement of statements) {
    const tokens = statement.trim().split(/\s+/).filter(Boolean);
    const head = tokens.shift();
    const match = head ? /^([a-z0-9-]+)=([a-z]+)$/i.exec(head) : null;
    if (!match) continue;
    const properties = new Map<string, string>();
    for (const token of tokens) {
      const eq = token.indexOf('=');
      if (eq > 0) properties.set(token.slice(0, eq).toLowerCase(), token.slice(eq + 1));
    }
    results.push({ method: match[1]!.toLowerCase(), result: match[2]!.toLowerCase(), properties });
  }
  return results;
}

function passesFor(results: MethodResult[], fromDomain: string): boolean {
  return results.some(({ method, result, properties }) => {
    if (result !== 'pass') return false;
    if (method === 'dkim') {
      const signer = properties.get('header.d') ?? properties.get('header.i');
      return signer !== undefined && aligned(domainOfIdentity(signer), fromDomain);
    }
    if (method === 'spf') {
      const envelope = properties.get('smtp.mailfrom') ?? properties.get('smtp.helo');
      return envelope !== undefined && aligned(domainOfIdentity(envelope), fromDomain);
    }
    if (method === 'dmarc') {
      const from = properties.get('header.from');
      return from !== undefined && aligned(domainOfIdentity(from), fromDomain);
    }
    return false;
  });
}

/** `authenticationResults`: the mail's Authentication-Results headers, topmost first, as Gmail lists them. */
export function checkSender(
  fromHeader: string,
  authenticationResults: readonly string[],
  allowedDomains: readonly string[],
): SenderVerdict {
  const senderEmail = parseAddressHeader(fromHeader).email?.toLowerCase() ?? null;
  if (!senderEmail) return { accepted: false, reason: 'no sender address in From', senderEmail: null };
  const domain = emailDomain(senderEmail);
  const allowed = allowedDomains.some((d) => {
    const wanted = d.toLowerCase();
    return domain === wanted || domain.endsWith(`.${wanted}`);
  });
  if (!allowed) return { accepted: false, reason: `sender domain ${domain} is not allowed`, senderEmail };
  if (authenticationResults.length === 0) return { accepted: true, senderEmail, domain };
  // Only the topmost header is Gmail's own verdict: every receiving server adds its header on top, and
  // any header below it may have been written by the sender (a forged "dkim=pass" must not count).
  const results = parseAuthenticationResults(authenticationResults[0]!);
  if (passesFor(results, domain)) return { accepted: true, senderEmail, domain };
  return { accepted: false, reason: `neither DKIM nor SPF passed for ${domain}`, senderEmail };
}
