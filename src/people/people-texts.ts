import { formatDate, formatTime, greetingFor } from '../core/format/danish.js';
import type { Role } from '../generated/prisma/enums.js';

/** How a role reads after "som" / "med" in a sentence to the invitee. */
const ROLE_IN_SENTENCE: Record<Role, string> = {
  admin: 'som administrator',
  manager: 'som leder',
  staff: 'som medarbejder',
  viewer: 'med læseadgang',
};

export interface WrittenEmail {
  subject: string;
  body: string;
}

/** The invitation e-mail: who invites, to what, the link and until when it works. */
export function invitationEmail(input: {
  inviteeName: string | null;
  inviterName: string;
  companyName: string;
  role: Role;
  link: string;
  expiresAt: Date;
  timezone: string;
}): WrittenEmail {
  const until = `${formatDate(input.expiresAt, input.timezone)} kl. ${formatTime(input.expiresAt, input.timezone)}`;
  return {
    subject: `Du er inviteret til ${input.companyName} i RenOS`,
    body: [
      greetingFor(input.inviteeName),
      '',
      `${input.inviterName} har inviteret dig til at bruge RenOS hos ${input.companyName} ${ROLE_IN_SENTENCE[input.role]}.`,
      '',
      'Tag imod invitationen her:',
      input.link,
      '',
      `Har du allerede en konto i RenOS, bliver ${input.companyName} føjet til den, og du logger ind med ` +
        'din nuværende adgangskode. Ellers vælger du en adgangskode, når du åbner linket.',
      '',
      `Linket virker indtil ${until} og kan kun bruges én gang.`,
      '',
      'Hvis du ikke regnede med at få denne invitation, kan du bare se bort fra e-mailen.',
      '',
      'Venlig hilsen',
      input.companyName,
    ].join('\n'),
  };
}

/** The reset e-mail: the link, how long it works, and that nothing changes if it was not them. */
export function passwordResetEmail(input: {
  name: string;
  email: string;
  companyName: string;
  link: string;
  expiresAt: Date;
  timezone: string;
}): WrittenEmail {
  return {
    subject: 'Nulstil din adgangskode til RenOS',
    body: [
      greetingFor(input.name),
      '',
      `Vi har fået en anmodning om at nulstille adgangskoden til din RenOS-konto (${input.email}).`,
      '',
      'Vælg en ny adgangskode her:',
      input.link,
      '',
      `Linket virker i en time (til kl. ${formatTime(input.expiresAt, input.timezone)}) og kan kun bruges én gang. ` +
        'Når du har valgt en ny adgangskode, bliver du logget ud alle de steder, hvor du er logget ind.',
      '',
      'Har du ikke selv bedt om en ny adgangskode, kan du se bort fra denne e-mail. Din nuværende ' +
        'adgangskode virker stadig.',
      '',
      'Venlig hilsen',
      input.companyName,
    ].join('\n'),
  };
}
