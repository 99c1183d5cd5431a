import { describe, expect, it } from 'vitest';
import { tableFromRows } from '../../functions/training/columns';
import { identifierColumns } from '../../functions/training/identifiers';
import { profileTable } from '../../functions/training/profile';

/** 40 rows: a target with two classes, an ordinary number, and the given extra columns' cells by row. */
function table(extra: Record<string, (i: number) => string>) {
  const names = Object.keys(extra);
  return tableFromRows(
    ['granted', 'income', ...names],
    Array.from({ length: 40 }, (_, i) => [i % 2 ? 'yes' : 'no', String(1000 + i * 7), ...names.map((n) => extra[n]!(i))]),
  );
}

describe('columns that look like direct identifiers (#20.4)', () => {
  it('finds them by name and by the shape of their cells', () => {
    const found = identifierColumns(
      table({
        'First Name': (i) => ['Jeanne', 'Paul'][i % 2]!,
        contact: (i) => `person${i % 5}@example.org`,
        tel: (i) => String(i),
        numero: (i) => `+33 6 12 34 5${i % 10} ${10 + (i % 80)}`,
        compte: (i) => `FR76 3000 6000 0112 3456 7890 1${i % 10}`,
        secu: (i) => `2 84 05 75 123 4${i % 10}${i % 10} 42`,
        town: (i) => ['Tulle', 'Brive'][i % 2]!,
        Name: (i) => ['chevrolet chevelle', 'buick skylark'][i % 2]!,
      }),
    );
    expect(found).toEqual([
      { column: 'First Name', looksLike: 'person-name' },
      { column: 'contact', looksLike: 'e-mail' },
      { column: 'tel', looksLike: 'phone' },
      { column: 'numero', looksLike: 'phone' },
      { column: 'compte', looksLike: 'iban' },
      { column: 'secu', looksLike: 'national-id' },
    ]);
  });

  it('refuses a training on them unless accepted, and reports the accepted ones', () => {
    const emails = table({ email: (i) => `p${i % 4}@example.org` });
    expect(() => profileTable(emails, { target: 'granted' })).toThrow(
      expect.objectContaining({ code: 'identifier-columns', message: expect.stringContaining("'email' (e-mail)") }),
    );
    const { report } = profileTable(emails, { target: 'granted', acceptIdentifiers: [' email '] });
    expect(report.identifiersAccepted).toEqual([{ column: 'email', looksLike: 'e-mail' }]);
    expect(profileTable(table({ town: (i) => ['Tulle', 'Brive'][i % 2]! }), { target: 'granted' }).report).not.toHaveProperty(
      'identifiersAccepted',
    );
  });
});
