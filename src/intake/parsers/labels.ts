/**
 * The labels lead mails put before each value, in Danish, Norwegian and English, as they appear in the
 * portals' mails, the booking form and customers' own "Label: value" lists. Keys are normalised
 * (`normalizeLabel`): lower case, single spaces, no trailing dot or asterisk.
 */

/** Where a labelled value goes; `postalCity` is "2300 København S" and `address` may carry both. */
export type LabelTarget =
  | 'customerName'
  | 'customerEmail'
  | 'customerPhone'
  | 'address'
  | 'postalCode'
  | 'city'
  | 'postalCity'
  | 'serviceType'
  | 'estimatedHours'
  | 'squareMetres'
  | 'priority'
  | 'when'
  | 'notes'
  | 'companyName'
  | 'cvr';

const LABELS: Record<LabelTarget, readonly string[]> = {
  customerName: [
    'navn',
    'name',
    'fulde navn',
    'fullt navn',
    'full name',
    'your name',
    'dit navn',
    'ditt navn',
    'kundens navn',
    'kundenavn',
    'kontaktperson',
    'kontakt person',
    'contact person',
    'kunde',
    'for- og efternavn',
    'fornavn og efternavn',
    'for- og etternavn',
    'customer',
  ],
  customerEmail: [
    'e-mail',
    'email',
    'e-mail adresse',
    'e-mailadresse',
    'emailadresse',
    'mail',
    'e-post',
    'epost',
    'e-postadresse',
    'email address',
    'e-mail address',
    'din e-mail',
    'kundens e-mail',
  ],
  customerPhone: [
    'telefon',
    'tlf',
    'tlf.nr',
    'tlfnr',
    'tlf nr',
    'telefonnummer',
    'telefonnr',
    'mobil',
    'mobilnummer',
    'mobiltelefon',
    'mobilnr',
    'phone',
    'phone number',
    'mobile',
    'mobile phone',
    'telephone',
    'tel',
    'kundens telefon',
    'telefon (mobil)',
  ],
  address: [
    'adresse',
    'address',
    'addresse',
    'gade',
    'vejnavn',
    'vej og husnummer',
    'gateadresse',
    'street address',
    'street',
    'boligens adresse',
    'opgavens adresse',
    'adresse for opgaven',
    'rengøringsadresse',
    'adresse for oppdraget',
    'opgaveadresse',
  ],
  postalCode: ['postnr', 'postnummer', 'post nr', 'postal code', 'post code', 'postcode', 'zip', 'zip code'],
  city: ['by', 'city', 'poststed', 'bynavn', 'town'],
  postalCity: [
    'postnr. og by',
    'postnr og by',
    'postnummer og by',
    'postnr/by',
    'postnr./by',
    'postnr. & by',
    'postnummer og sted',
    'postnr. og sted',
    'postnr/sted',
    'postnummer/poststed',
    'postnr. og poststed',
    'post code and city',
    'postal code and city',
    'zip and city',
    'zip code and city',
  ],
  serviceType: [
    'opgave',
    'ydelse',
    'service',
    'tjeneste',
    'type rengøring',
    'rengøringstype',
    'type af rengøring',
    'opgavetype',
    'kategori',
    'type oppdrag',
    'oppdrag',
    'type vask',
    'type of cleaning',
    'cleaning type',
    'service type',
    'ønsket ydelse',
    'valgt ydelse',
    'category',
  ],
  squareMetres: [
    'kvadratmeter',
    'm²',
    'm2',
    'boligareal',
    'areal',
    'størrelse',
    'boligstørrelse',
    'størrelse på boligen',
    'antal m²',
    'antal m2',
    'antal kvadratmeter',
    'kvm',
    'size',
    'area',
    'square metres',
    'square meters',
    'boligens størrelse',
    'antall kvm',
    'boligens areal',
    'størrelse (m²)',
    'areal (m²)',
    'size (m²)',
  ],
  estimatedHours: [
    'timer',
    'antal timer',
    'estimeret tid',
    'timeantal',
    'hours',
    'antall timer',
    'estimated hours',
    'forventet tid',
    'anslået tid',
    'varighed',
    'ønsket antal timer',
  ],
  priority: ['prioritet', 'priority', 'hastesag', 'haster'],
  when: [
    'ønsket dato',
    'ønsket tidspunkt',
    'ønsket startdato',
    'hvornår',
    'when',
    'preferred date',
    'ønsket oppstart',
    'ønsket dato for opgaven',
    'tidspunkt',
    'dato for opgaven',
    'ønsket dag',
    'start',
  ],
  companyName: [
    'firma',
    'firmanavn',
    'firma navn',
    'virksomhed',
    'virksomhedsnavn',
    'virksomhedens navn',
    'selskab',
    'bedrift',
    'firmanavn/virksomhed',
    'company',
    'company name',
  ],
  cvr: ['cvr', 'cvr-nr', 'cvr nr', 'cvr-nummer', 'cvr nummer', 'cvr no', 'firmaets cvr', 'virksomhedens cvr'],
  notes: [
    'bemærkninger',
    'bemærkning',
    'kommentar',
    'kommentarer',
    'besked',
    'beskrivelse',
    'beskrivelse fra kunden',
    'message',
    'notes',
    'note',
    'comments',
    'comment',
    'melding',
    'beskjed',
    'ekstra info',
    'yderligere oplysninger',
    'yderligere information',
    'øvrige oplysninger',
    'kundens besked',
    'kundens kommentar',
    'tilleggsinformasjon',
    'beskrivelse av oppdraget',
    'din besked',
    'kundens beskrivelse',
    'melding fra kunden',
    'additional information',
  ],
};

export function normalizeLabel(label: string): string {
  return label
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.*\s]+$/, '')
    .trim();
}

const LABEL_INDEX = new Map<string, LabelTarget>();
for (const [target, labels] of Object.entries(LABELS) as [LabelTarget, readonly string[]][]) {
  for (const label of labels) LABEL_INDEX.set(normalizeLabel(label), target);
}

/** Each layout's own labels, normalised once: `labelTarget` runs for every line of every mail. */
const NO_EXTRA_LABELS: Readonly<Record<string, LabelTarget>> = Object.freeze({});
const EXTRA_INDEX = new WeakMap<object, Map<string, LabelTarget>>();

function extraIndex(extra: Readonly<Record<string, LabelTarget>>): Map<string, LabelTarget> {
  let index = EXTRA_INDEX.get(extra);
  if (!index) {
    index = new Map();
    for (const [label, target] of Object.entries(extra)) {
      const key = normalizeLabel(label);
      if (!index.has(key)) index.set(key, target);
    }
    EXTRA_INDEX.set(extra, index);
  }
  return index;
}

/** The field a label names, if it is one we know; a layout may add its own labels on top. */
export function labelTarget(
  label: string,
  extra: Readonly<Record<string, LabelTarget>> = NO_EXTRA_LABELS,
): LabelTarget | undefined {
  const key = normalizeLabel(label);
  return extraIndex(extra).get(key) ?? LABEL_INDEX.get(key);
}
