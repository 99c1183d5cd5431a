import * as z from 'zod/mini';
import '../platform/zod-messages';
import { InvalidInputError } from '../platform/errors';
import { METRICS } from './metrics';
import type { TrainingRecord } from './training-store';
import { MODEL_NAME } from '../platform/model-name';

/** The search's budget; a 10,000-row x 20-column table then trains in under a minute on a loaded 2-core machine. */
export const DEFAULT_TIME_BUDGET_SECONDS = 40;
/** The train function's timeout (900 s) less room to export, check and register. */
const MAX_TIME_BUDGET_SECONDS = 780;

/** Each option's own values: what the parse below checks and what the OpenAPI document describes. */
export const trainingOptionFields = {
  target: z.string().check(z.minLength(1), z.maxLength(200)),
  task: z.enum(['classification', 'regression']),
  metric: z.enum([...METRICS.classification, ...METRICS.regression]),
  timeBudgetSeconds: z.int().check(z.minimum(5), z.maximum(MAX_TIME_BUDGET_SECONDS)),
  /** Columns that look like direct identifiers and may be trained on all the same (#20.4), comma-separated. */
  acceptIdentifiers: z.string().check(z.maxLength(2_000)),
};

/** The options of a training, from the query string (HTTP) or the object's metadata (S3): one schema for both. */
const trainingOptionsSchema = z.object({
  target: trainingOptionFields.target,
  task: z.optional(trainingOptionFields.task),
  metric: z.optional(trainingOptionFields.metric),
  // Query strings and S3 metadata are text: the number is read from it.
  timeBudgetSeconds: z._default(z.pipe(z.coerce.number(), trainingOptionFields.timeBudgetSeconds), DEFAULT_TIME_BUDGET_SECONDS),
  acceptIdentifiers: z.optional(
    z.pipe(
      trainingOptionFields.acceptIdentifiers,
      z.transform((names) =>
        names
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      ),
    ),
  ),
});

export type TrainingOptions = z.infer<typeof trainingOptionsSchema>;

export function parseTrainingOptions(raw: Record<string, string | undefined>): TrainingOptions {
  const parsed = trainingOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError('invalid-training-request', `${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * The options of a training uploaded to S3, from its object metadata. S3 lower-cases metadata names, so an option
 * is read under its hyphenated name (`time-budget-seconds`, `accept-identifiers`) or its name lower-cased
 * (`timebudgetseconds`: what `--metadata timeBudgetSeconds=10` arrives as).
 */
export function parseTrainingMetadata(metadata: Record<string, string>): TrainingOptions {
  const hyphenated = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  const raw = Object.keys(trainingOptionFields).map((name) => [name, metadata[hyphenated(name)] ?? metadata[name.toLowerCase()]]);
  return parseTrainingOptions(Object.fromEntries(raw) as Record<string, string | undefined>);
}

export function checkModelName(model: string): void {
  if (!MODEL_NAME.test(model)) {
    throw new InvalidInputError(
      'invalid-model-name',
      'Model names are lowercase letters, digits and hyphens, up to 64 characters.',
    );
  }
}

/** A new training record, queued. */
export function queuedTraining(fields: {
  trainingId: string;
  model: string;
  source: TrainingRecord['source'];
  inputKey: string;
  options: TrainingOptions;
  callerId?: string;
  /** Pseudonym of the person the table is about (`x-subject-id`, `subject-id` metadata), for export and erasure. */
  subjectId?: string;
  now: Date;
  retentionDays: number;
}): TrainingRecord {
  const { options, now } = fields;
  return {
    trainingId: fields.trainingId,
    model: fields.model,
    status: 'queued',
    progress: 0,
    stage: 'queued',
    source: fields.source,
    inputKey: fields.inputKey,
    target: options.target,
    task: options.task,
    metric: options.metric,
    timeBudgetSeconds: options.timeBudgetSeconds,
    ...(options.acceptIdentifiers?.length && { acceptIdentifiers: options.acceptIdentifiers }),
    callerId: fields.callerId,
    subjectId: fields.subjectId,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + fields.retentionDays * 86_400,
  };
}
