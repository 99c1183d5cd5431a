import { describe, expect, it } from 'vitest';
import { en } from '../../console/src/i18n/en';
import { fr } from '../../console/src/i18n/fr';

const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the console's catalogs", () => {
  it('hold the same keys, none empty, each message with the same placeholders in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const [key, message] of Object.entries(fr)) {
      const english = en[key as keyof typeof fr];
      expect(message.trim(), key).not.toBe('');
      expect(english.trim(), key).not.toBe('');
      expect(placeholders(english), key).toEqual(placeholders(message));
    }
  });

  it('translate every message (an English message equal to the French one is a forgotten translation)', () => {
    // Words that are the same in both languages.
    const same = new Set([
      'app.title',
      'common.version',
      'common.alias',
      'common.date',
      'models.versions',
      'history.source',
      'canary.production',
    ]);
    const untranslated = Object.keys(fr).filter(
      (key) => !same.has(key) && en[key as keyof typeof fr] === fr[key as keyof typeof fr],
    );
    expect(untranslated).toEqual([]);
  });
});
