import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keepUnsafeKeys } from '../../functions/platform/dynamodb-keys';

/**
 * A document client whose HTTP layer is a fake: it keeps the JSON each request sends to DynamoDB and answers
 * `answer` (a GetItem answer, in DynamoDB's wire form). Everything between, marshalling included, is the SDK's.
 */
function documentClient(answer: unknown = {}) {
  const sent: string[] = [];
  const client = new DynamoDBClient({
    region: 'eu-west-3',
    endpoint: 'http://dynamodb.invalid',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: {
      handle: async (request: { body?: string }) => {
        sent.push(String(request.body));
        const body = Readable.from([Buffer.from(JSON.stringify(answer))]);
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body } };
      },
    },
  });
  return { documents: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), sent };
}

/** A record of a model whose classes are `__proto__` and `other` (#20.10), as classify() builds it. */
const result = {
  label: '__proto__',
  confidence: 0.9,
  probabilities: Object.fromEntries([
    ['__proto__', 0.9],
    ['other', 0.1],
  ]),
};

describe('DynamoDB map keys the SDK cannot carry (#20.10)', () => {
  it('mangles a __proto__ key through the plain SDK (the defect: DynamoDB then refuses the item)', async () => {
    const { documents, sent } = documentClient();
    await documents.send(new PutCommand({ TableName: 't', Item: { predictionId: 'p', result } }));
    const item = (JSON.parse(sent[0]!) as { Item: { result: { M: { probabilities: { M: object } } } } }).Item;
    // The entry became the map's prototype, whose own key `N` the serialiser then wrote as an entry.
    expect(Object.keys(item.result.M.probabilities.M)).toEqual(['other', 'N']);
  });

  it('writes it escaped and reads it back as an own key, every other key as it went', async () => {
    const odd = { '\uE000x': 1, plain: 2 };
    const { documents, sent } = documentClient();
    await keepUnsafeKeys(documents).send(new PutCommand({ TableName: 't', Item: { predictionId: 'p', result, odd } }));
    const wire = JSON.parse(sent[0]!) as { Item: Record<string, unknown> };
    expect(JSON.stringify(wire.Item)).toContain('"\uE000__proto__":{"N":"0.9"}');

    const reader = documentClient(wire);
    const { Item } = await keepUnsafeKeys(reader.documents).send(new GetCommand({ TableName: 't', Key: { predictionId: 'p' } }));
    expect(Object.keys(Item!.result.probabilities as object)).toEqual(['__proto__', 'other']);
    expect(Object.getPrototypeOf(Item!.result.probabilities)).toBe(Object.prototype);
    expect(Item).toEqual({ predictionId: 'p', result, odd });
  });

  it('carries a class named constructor, which the plain SDK refuses as no map at all', async () => {
    const classes = Object.fromEntries([
      ['constructor', 20],
      ['__proto__', 20],
    ]);
    const plain = documentClient();
    await expect(plain.documents.send(new PutCommand({ TableName: 't', Item: { trainingId: 't', classes } }))).rejects.toThrow(
      /Unsupported type/,
    );
    const { documents, sent } = documentClient();
    await keepUnsafeKeys(documents).send(new PutCommand({ TableName: 't', Item: { trainingId: 't', classes } }));
    const reader = documentClient(JSON.parse(sent[0]!));
    const { Item } = await keepUnsafeKeys(reader.documents).send(new GetCommand({ TableName: 't', Key: { trainingId: 't' } }));
    expect(Item).toEqual({ trainingId: 't', classes });
  });
});
