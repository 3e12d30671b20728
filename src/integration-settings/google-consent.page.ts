import type { ConsentOutcome } from './google-consent.service.js';

/**
 * The small Danish page the admin sees when Google sends the browser back to the callback. No script (the
 * app's Content-Security-Policy allows none inline); `data-outcome` on <body> names the outcome for a
 * dashboard that opened the consent in a window of its own.
 */
export function renderConsentPage(outcome: ConsentOutcome): { status: number; html: string } {
  const { status, title, lines } = wording(outcome);
  const paragraphs = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n    ');
  const html = `<!doctype html>
<html lang="da">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>${escapeHtml(title)} – RenOS</title>
  </head>
  <body data-outcome="${outcome.kind}">
    <h1>${escapeHtml(title)}</h1>
    ${paragraphs}
  </body>
</html>
`;
  return { status, html };
}

const START_AGAIN = 'Start forfra under Integrationer i RenOS.';
const CLOSE = 'Du kan lukke dette vindue og gå tilbage til RenOS.';

type Wording = { status: number; title: string; lines: string[] };

function wording(outcome: ConsentOutcome): Wording {
  return outcome.kind === 'connected' ? connectedWording(outcome) : FIXED_WORDING[outcome.kind];
}

function connectedWording(outcome: Extract<ConsentOutcome, { kind: 'connected' }>): Wording {
  const watch =
    outcome.watch === 'started'
      ? 'Nye mails i indbakken bliver hentet, så snart de lander.'
      : outcome.watch === 'no_topic'
        ? 'Serveren får ikke besked fra Gmail om nye mails (Pub/Sub er ikke sat op), så indbakken læses ved den faste synkronisering.'
        : `Men Gmail ville ikke begynde at holde øje med indbakken: ${outcome.watchProblem ?? 'ukendt fejl'}. Prøv igen under Integrationer.`;
  const inbox = outcome.tenantInbox
    ? [
        `Bemærk: Firmaets indbakke i RenOS er ${outcome.tenantInbox}, så mails til ${outcome.gmailAddress} bliver ikke læst. Ret indbakken under Indstillinger, eller forbind med ${outcome.tenantInbox}.`,
      ]
    : [];
  return {
    status: 200,
    title: 'Google er forbundet',
    lines: [`RenOS har nu adgang til Gmail og Kalender for ${outcome.gmailAddress}.`, watch, ...inbox, CLOSE],
  };
}

const NOT_OURS: Wording = {
  status: 400,
  title: 'Ugyldigt svar fra Google',
  lines: ['Svaret kan ikke knyttes til en forbindelse, som RenOS har startet.', START_AGAIN],
};

/** Every outcome but success says the same whatever happened before it. */
const FIXED_WORDING: Record<Exclude<ConsentOutcome['kind'], 'connected'>, Wording> = {
  denied: {
    status: 200,
    title: 'Google blev ikke forbundet',
    lines: [
      'Du sagde nej hos Google, så RenOS har ikke fået adgang til Gmail og Kalender.',
      `Var det en fejl? ${START_AGAIN}`,
    ],
  },
  google_error: {
    status: 502,
    title: 'Google blev ikke forbundet',
    lines: ['Google afbrød forbindelsen uden at give adgang.', START_AGAIN],
  },
  expired_state: {
    status: 400,
    title: 'Linket er udløbet',
    lines: ['Forbindelsen til Google skal gøres færdig inden for 10 minutter.', START_AGAIN],
  },
  used_state: {
    status: 400,
    title: 'Linket er allerede brugt',
    lines: [
      'Dette svar fra Google er allerede behandlet. Se under Integrationer, om Google er forbundet.',
      START_AGAIN,
    ],
  },
  invalid_state: NOT_OURS,
  missing_code: NOT_OURS,
  exchange_failed: {
    status: 502,
    title: 'Google blev ikke forbundet',
    lines: ['Google godkendte ikke svaret, eller Google kunne ikke nås.', START_AGAIN],
  },
  no_refresh_token: {
    status: 502,
    title: 'Google gav ikke varig adgang',
    lines: [
      'Google sendte ikke den nøgle, RenOS skal bruge for at blive ved med at have adgang.',
      'Fjern RenOS under "Tredjepartsapps og -tjenester" på din Google-konto (myaccount.google.com/connections), og forbind igen under Integrationer.',
    ],
  },
  profile_failed: {
    status: 502,
    title: 'Google blev ikke forbundet',
    lines: ['Google gav adgang, men Gmail ville ikke oplyse postkassens adresse.', START_AGAIN],
  },
  unavailable: {
    status: 503,
    title: 'Google blev ikke forbundet',
    lines: ['RenOS kunne ikke gemme forbindelsen lige nu.', START_AGAIN],
  },
  not_configured: {
    status: 503,
    title: 'Google kan ikke forbindes',
    lines: ['Serveren mangler sin Google-klient (GOOGLE_CLIENT_ID og GOOGLE_CLIENT_SECRET).'],
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
