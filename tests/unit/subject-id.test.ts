import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../functions/platform/errors';
import {
  formerSpellings,
  normaliseSubjectId,
  subjectFromHeaders,
  SUBJECT_ID_MAX_CHARS,
} from '../../functions/records/subject-id';

/** What Node hands a function for UTF-8 bytes in a header: one character per byte. */
const asUtf8Bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('normaliseSubjectId', () => {
  it('reads UTF-8 bytes, latin-1 bytes and decoded text of one name as the same text', () => {
    expect(normaliseSubjectId(asUtf8Bytes('Hélène Dupré'))).toBe('Hélène Dupré');
    expect(normaliseSubjectId('Hélène Dupré')).toBe('Hélène Dupré');
    expect(normaliseSubjectId(asUtf8Bytes('Łukasz Żółć'))).toBe('Łukasz Żółć');
    expect(normaliseSubjectId('Łukasz Żółć')).toBe('Łukasz Żółć');
  });

  it('decodes the RFC 2047 encoded words S3 returns for non-ASCII metadata, B and Q, one or several', () => {
    const b64 = Buffer.from('Hélène Dupré').toString('base64');
    expect(normaliseSubjectId(`=?UTF-8?B?${b64}?=`)).toBe('Hélène Dupré');
    expect(normaliseSubjectId('=?utf-8?Q?H=C3=A9l=C3=A8ne_Dupr=C3=A9?=')).toBe('Hélène Dupré');
    const [first, second] = [Buffer.from('Hélène '), Buffer.from('Dupré')].map((part) => part.toString('base64'));
    expect(normaliseSubjectId(`=?UTF-8?B?${first}?= =?UTF-8?B?${second}?=`)).toBe('Hélène Dupré');
    // Text that merely contains `=?` is left as it is.
    expect(normaliseSubjectId('a=?b?c')).toBe('a=?b?c');
  });

  it('trims and composes (NFC), and leaves ASCII, percent signs and latin-1 that is not UTF-8 alone', () => {
    expect(normaliseSubjectId('  He\u0301le\u0300ne  ')).toBe('Hélène');
    expect(normaliseSubjectId(asUtf8Bytes('He\u0301le\u0300ne'))).toBe('Hélène');
    expect(normaliseSubjectId('driver-42')).toBe('driver-42');
    expect(normaliseSubjectId('50%off')).toBe('50%off');
    expect(normaliseSubjectId('user%41')).toBe('user%41');
    expect(normaliseSubjectId('Zoë')).toBe('Zoë');
  });
});

describe('subjectFromHeaders', () => {
  const refusal = (value: string) => {
    try {
      subjectFromHeaders({ 'x-subject-id': value });
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('gives the normalised identifier, or nothing without the header', () => {
    expect(subjectFromHeaders({ 'x-subject-id': asUtf8Bytes(' Hélène ') })).toBe('Hélène');
    expect(subjectFromHeaders({})).toBeUndefined();
    expect(subjectFromHeaders(undefined)).toBeUndefined();
  });

  it('refuses what cannot name one person: a comma (two headers joined), control characters, blank, too long', () => {
    for (const value of ['alice,bob', 'Dupont, Jean', 'a\u0007b', 'a\u0085b', '   ', 'x'.repeat(SUBJECT_ID_MAX_CHARS + 1)]) {
      const error = refusal(value);
      expect(error, JSON.stringify(value)).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).code).toBe('invalid-subject');
    }
    expect(refusal('x'.repeat(SUBJECT_ID_MAX_CHARS))).toBeUndefined();
  });
});

describe('formerSpellings', () => {
  it('gives the forms an accented identifier was pseudonymised under before normalisation, none for ASCII', () => {
    expect(formerSpellings('Hélène')).toEqual([asUtf8Bytes('Hélène'), asUtf8Bytes('He\u0301le\u0300ne')]);
    expect(formerSpellings('driver-42')).toEqual([]);
    // Each former spelling normalises back to the identifier: the same person, read the same way today.
    for (const former of formerSpellings('Hélène')) expect(normaliseSubjectId(former)).toBe('Hélène');
  });
});
