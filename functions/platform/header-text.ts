/**
 * A header or S3 metadata value as the text that was meant. Header bytes reach a function one character per byte
 * (Node reads them as latin-1), so UTF-8 sent by curl or the AWS CLI arrives as `HÃ©lÃ¨ne`; S3 metadata is ASCII,
 * and non-ASCII values travel as RFC 2047 encoded words (`=?UTF-8?B?…?=`), which S3 also returns for them.
 */

const ENCODED_WORDS = /^(?:=\?utf-8\?[bq]\?[^?\s]*\?=\s*)+$/i;
const ENCODED_WORD = /=\?utf-8\?([bq])\?([^?\s]*)\?=/gi;

/** RFC 2047 encoded words (B: base64; Q: `_` for space, `=XX` for a byte), joined: their bytes are UTF-8. */
function decodeEncodedWords(value: string): string {
  if (!ENCODED_WORDS.test(value)) return value;
  const bytes = [...value.matchAll(ENCODED_WORD)].map(([, encoding, text = '']) =>
    encoding!.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ),
  );
  return Buffer.concat(bytes).toString('utf8');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text whose characters are all bytes (U+0000–U+00FF) and spell valid UTF-8 is read as UTF-8; anything else is
 * kept as it is (latin-1 bytes, which are rarely valid UTF-8, and text already decoded).
 */
function decodeUtf8Bytes(value: string): string {
  const bytesOnly = [...value].every((char) => char.codePointAt(0)! <= 0xff);
  if (!bytesOnly || !/[\u0080-\u00ff]/.test(value)) return value;
  try {
    return strictUtf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** The value decoded: encoded words, then bytes that spell UTF-8; anything else as it came. */
export function headerText(raw: string): string {
  return decodeUtf8Bytes(decodeEncodedWords(raw));
}
