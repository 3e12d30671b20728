/**
 * The tenant's price and duration tables are keyed by a handful of Danish service names
 * (`hoursPerSquareMetre` in tenant-defaults.ts). Customers and portals call the same job many things —
 * "Rengøring › Flytterengøring", "flyttevask" (Norwegian), "move-out cleaning" — so every extractor
 * maps what it read onto one canonical name, keeping the original words as the quote.
 */

export const CANONICAL_SERVICE_TYPES = [
  'Flytterengøring',
  'Hovedrengøring',
  'Vinduespudsning',
  'Fast rengøring',
  'Erhvervsrengøring',
] as const;

export type CanonicalServiceType = (typeof CANONICAL_SERVICE_TYPES)[number];

/**
 * Checked in this order, so the most specific reading wins: "fast kontorrengøring" is commercial work,
 * and "flytterengøring inkl. vinduer" is a move-out clean that happens to include windows.
 */
// "flytte - rengøring" is written `\s*(?:-\s*)?`, not `\s*-?\s*`: two blank runs side by side split a
// long run of blanks every possible way, which took seconds on "flytte" and 100 000 spaces.
const SERVICE_KEYWORDS: ReadonlyArray<readonly [CanonicalServiceType, RegExp]> = [
  [
    'Erhvervsrengøring',
    /erhvervs?\s*(?:-\s*)?rengøring|kontor\s*(?:-\s*)?(?:rengøring|rengjøring|renhold|vask)|erhverv|nærings\s*(?:-\s*)?renhold|butiks?rengøring|office cleaning|commercial cleaning/i,
  ],
  [
    'Flytterengøring',
    /flytte\s*(?:-\s*)?(?:rengøring|rengoring|rengjøring|renhold|vask)|fraflytning|udflytning|move[- ]?out|moving out|end of tenancy/i,
  ],
  [
    'Hovedrengøring',
    /hoved\s*(?:-\s*)?(?:rengøring|rengoring|rengjøring)|stor\s*(?:-\s*)?rengjøring|grundig rengøring|deep clean/i,
  ],
  ['Vinduespudsning', /vindues?\s*(?:-\s*)?(?:pudsning|polering|vask)|vindus\s*(?:-\s*)?vask|window/i],
  [
    'Fast rengøring',
    /fast\s+(?:rengøring|rengjøring|renhold)|(?:ugentlig|regelmæssig|regelmessig|løbende)\s+(?:rengøring|rengjøring|renhold)|(?:regular|weekly|recurring) cleaning/i,
  ],
];

/** The canonical service name a text mentions, with the words that matched; `null` when none does. */
export function findServiceType(text: string): { value: CanonicalServiceType; match: string } | null {
  for (const [value, pattern] of SERVICE_KEYWORDS) {
    const found = pattern.exec(text);
    if (found) return { value, match: found[0] };
  }
  return null;
}

/** Maps a service name onto the canonical one; an unknown name comes back trimmed and unchanged. */
export function normalizeServiceType(raw: string): { value: string; known: boolean } {
  const found = findServiceType(raw);
  return found ? { value: found.value, known: true } : { value: raw.trim(), known: false };
}
