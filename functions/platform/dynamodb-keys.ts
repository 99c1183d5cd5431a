import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The AWS SDK builds every DynamoDB map by assignment (`map[key] = …`), when it marshals, serialises and reads
 * back: a map key `__proto__` sets the map's prototype instead of an entry, whose `N` the serialiser then writes as
 * a bogus entry that DynamoDB refuses; a map with an own `constructor` key is not recognised as a map at all
 * (the marshaller tests `value.constructor.name === 'Object'`) and is refused. A class a training learnt can be
 * called either, and labels key a record's
 * `probabilities` and a training's per-class metrics: a 500 on every prediction of such a model, and a training
 * that crashed (#20.10). So the document client escapes those keys on the way in and restores it on the way out; the
 * escape (a private-use character, which no label is expected to start with) is doubled on a key that already
 * starts with it, so every key comes back as it went.
 */
const ESCAPE = '\uE000';
const UNSAFE_KEYS = new Set(['__proto__', 'constructor']);

const escapeKey = (key: string) => (UNSAFE_KEYS.has(key) || key.startsWith(ESCAPE) ? `${ESCAPE}${key}` : key);
const unescapeKey = (key: string) => (key.startsWith(ESCAPE) ? key.slice(ESCAPE.length) : key);

const isPlainObject = (value: object) => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/** The value with every plain object's keys renamed, at any depth; arrays walked, anything else kept as it is. */
function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename));
  if (value === null || typeof value !== 'object' || !isPlainObject(value)) return value;
  // Object.fromEntries defines each key as an own property: `__proto__` stays an entry.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [rename(key), renameKeys(item, rename)]));
}

const escapeKeys = (value: unknown) => renameKeys(value, escapeKey);
const unescapeKeys = (value: unknown) => renameKeys(value, unescapeKey);

/**
 * Escapes the keys of every document a command sends (items, keys, expression values) before the SDK marshals
 * them, and restores those of every document it answers after the SDK unmarshals them.
 */
export function keepUnsafeKeys(documents: DynamoDBDocumentClient): DynamoDBDocumentClient {
  documents.middlewareStack.add(
    (next) => async (args) => {
      const answer = await next({ ...args, input: escapeKeys(args.input) as typeof args.input });
      return { ...answer, output: unescapeKeys(answer.output) as typeof answer.output };
    },
    { step: 'initialize', name: 'vigieUnsafeMapKeys' },
  );
  return documents;
}
