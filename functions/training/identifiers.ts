import type { TrainingTable } from './columns';

/**
 * Columns that look like direct identifiers of a person (#20.4): a model learns its categories' values and
 * publishes them (its spec, its card, the API documents), and the training file stays with them. Such a column is
 * refused unless the uploader names it in `acceptIdentifiers`, and an accepted one is written on the card for the
 * approver (GDPR Art. 5(1)(c), data minimisation).
 */
export type IdentifierKind = 'person-name' | 'e-mail' | 'phone' | 'iban' | 'national-id';

/** Column names, lower-cased with separators dropped; a plain `name` (a car's, a product's) is not a person's. */
const BY_NAME: Array<[RegExp, IdentifierKind]> = [
  [
    /^(first|last|given|family|full|maiden|sur|middle|customer|client|patient|employee|user)name$|^(prenom|nomdefamille|nomcomplet|patronyme)$/,
    'person-name',
  ],
  [/^(e?mail|emailaddress|courriel|adressemail|adressee?mail)$/, 'e-mail'],
  [/^(phone|phonenumber|telephone|tel|mobile|cellphone|portable|numerodetelephone)$/, 'phone'],
  [/^(iban|bankaccount|accountnumber|rib)$/, 'iban'],
  [
    /^(ssn|socialsecuritynumber|nir|numerosecu|numerodesecuritesociale|nationalid|passport|passportnumber|taxid|nino)$/,
    'national-id',
  ],
];

/** Cell shapes; each allows the spaces, dots and dashes people type in them. */
const BY_VALUE: Array<[RegExp, IdentifierKind]> = [
  [/^[^\s@,;]+@[^\s@,;]+\.[a-z]{2,}$/i, 'e-mail'],
  [/^[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}$/, 'iban'],
  // French NIR (13 digits and a 2-digit key), US SSN.
  [/^[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3}(?: ?\d{2})?$|^\d{3}-\d{2}-\d{4}$/, 'national-id'],
  // International (+33 6 12 34 56 78) or national with a leading 0 (06 12 34 56 78, 020 7946 0958).
  [/^(?:\+|00)\d[\d .\-()]{7,17}\d$|^0\d(?:[ .-]?\d){7,10}$/, 'phone'],
];

/** Share of a column's non-empty cells that must have one shape for the column to be called so. */
const SHAPE_SHARE = 0.8;

const squeezed = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** `present`: the column's first non-empty cells (columns.ts, SAMPLE_CELLS). */
function byValue(present: string[]): IdentifierKind | undefined {
  if (present.length === 0) return undefined;
  for (const [shape, kind] of BY_VALUE) {
    if (present.filter((cell) => shape.test(cell)).length >= SHAPE_SHARE * present.length) return kind;
  }
  return undefined;
}

/** Every column of the table that looks like a direct identifier, by its name or by the shape of its cells. */
export function identifierColumns(table: TrainingTable): Array<{ column: string; looksLike: IdentifierKind }> {
  return table.header.flatMap((column, index) => {
    const named = BY_NAME.find(([pattern]) => pattern.test(squeezed(column)))?.[1];
    const looksLike = named ?? byValue(table.samples[index]!);
    return looksLike ? [{ column, looksLike }] : [];
  });
}
