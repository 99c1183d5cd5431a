import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SubjectIndex } from './subject-index';

/** The index (subjectId, createdAt) by which the predictions and trainings tables find a person's items (infra/storage.yml). */
const SUBJECT_INDEX = 'bySubject';

/** A table's items about one person through its subject index: one Query, paginated. */
export function createSubjectIndex<T>(documents: DynamoDBDocumentClient, table: string): SubjectIndex<T> {
  return {
    async bySubject(subjectPseudonym) {
      const items: T[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: table,
            IndexName: SUBJECT_INDEX,
            KeyConditionExpression: 'subjectId = :subject',
            ExpressionAttributeValues: { ':subject': subjectPseudonym },
            ExclusiveStartKey: start,
          }),
        );
        items.push(...((page.Items ?? []) as T[]));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
  };
}
