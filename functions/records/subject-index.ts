/**
 * The port through which a person's export and erasure find what a table holds about them (GDPR Art. 15, 17):
 * the predictions table's records and the trainings table's, by pseudonym. subject-index-dynamodb.ts is its
 * adapter, over the tables' `bySubject` index.
 */
export interface SubjectIndex<T> {
  /** Every item about the subject, oldest first. */
  bySubject(subjectPseudonym: string): Promise<T[]>;
}
