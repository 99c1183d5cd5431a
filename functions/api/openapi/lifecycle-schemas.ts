import * as z from 'zod/mini';
import '../../platform/zod-messages';

/** The answers of the lifecycle routes and what GET /v1/models/{model} adds (functions/serving/aliases.ts). */

const text = (description: string) => z.string().check(z.describe(description));

export const aliasesSchema = z
  .record(z.string(), z.object({ version: z.string(), weight: z.optional(z.int()) }))
  .check(z.describe('each alias and the version it points at now (`canary`: with the share of default traffic it takes)'));

/** One event of a model's history, as the API shows it (its state snapshot left out). */
export const lifecycleEventSchema = z.object({
  seq: z.int().check(z.describe('1, 2, 3…: the event’s number in the model’s history')),
  action: z.enum(['move', 'rollback', 'disable', 'enable']),
  alias: z.optional(z.string()),
  from: z.optional(text('the version the alias pointed at before')),
  fromNewestApproved: z.optional(
    z.literal(true).check(z.describe('`from` was no alias but the newest approved version, which production served until then')),
  ),
  to: z.optional(z.string()),
  weight: z.optional(z.int()),
  actor: text('the id of the API key that made the change'),
  reason: z.string(),
  at: z.iso.datetime(),
  evidence: z.optional(z.record(z.string(), z.unknown()).check(z.describe('the figures behind an automatic move'))),
});

/** What GET /v1/models/{model} shows of the lifecycle. */
export const modelLifecycleFields = {
  aliases: aliasesSchema,
  aliasHistory: z.array(lifecycleEventSchema).check(z.describe('every alias move and rollback, oldest first; never edited')),
  disabled: z.boolean().check(z.describe('the kill switch: `true` answers 503 `model-disabled` on every path')),
};

export const lifecycleAnswerSchema = z.object({
  model: z.string(),
  change: lifecycleEventSchema,
  aliases: aliasesSchema,
  disabled: z.boolean(),
});

export const aliasAtSchema = z.object({
  alias: z.string(),
  version: z
    .nullable(z.string())
    .check(z.describe('null: production had no alias then (the newest approved version was served)')),
  at: z.iso.datetime(),
  rule: z.optional(z.literal('newest-approved')),
});

/** POST /v1/models/{model}/replay: the uploads run again (functions/uploads/replay.ts). */
export const replayAnswerSchema = z.object({
  model: z.string(),
  replayed: z.int().check(z.describe('how many held or dead-lettered uploads this call ran again')),
  uploads: z
    .array(
      z.object({
        predictionId: z.string(),
        from: z.enum(['held', 'dead-letter']).check(z.describe('held while disabled, or dead-lettered after its retries')),
        status: z.optional(text('the status its record has now')),
      }),
    )
    .check(z.describe('each upload run again, by the id of its record (GET /v1/predictions/{id})')),
  alreadyEnded: z.array(z.string()).check(z.describe('dead letters whose upload had already ended: let go of, not run')),
  remaining: z.int().check(z.describe('found but not run by this call (time ran out, or another replay holds them): call again')),
});
