import type { BucketModels } from '../training/model-bucket';
import { publicTraining, type TrainingRecord, type TrainingStore } from '../training/training-store';
import type { ModelMetadata } from '../serving/model-spec';
import type { SubjectIndex } from '../records/subject-index';

/**
 * Trainings about a data subject (#20.4): a table uploaded with `subject-id` metadata, or sent with
 * `x-subject-id`, carries that person's pseudonym on its training record (the trainings table's `bySubject`
 * index). Their export lists the records and the versions trained; their erasure deletes the table (a file of
 * subject-data.ts), removes what the record derived from it, and marks each version trained on it.
 */
export interface SubjectTrainingDeps {
  trainings: SubjectIndex<TrainingRecord> & Pick<TrainingStore, 'eraseSubject'>;
  models: Pick<BucketModels, 'current' | 'replaceMetadata'>;
}

/** Where the table of a training is: an S3 upload (anyone may upload to its key again) or the HTTP body kept. */
export const trainingFileRole = (training: Pick<TrainingRecord, 'source'>) =>
  training.source === 's3' ? ('training-upload' as const) : ('training-request' as const);

const ended = (training: TrainingRecord) => training.status === 'succeeded' || training.status === 'failed';

/** A version trained from the subject's table, as their export shows it. */
export interface TrainedVersion {
  model: string;
  version: string;
  approval: string;
  trainedOnErasedSubject?: NonNullable<ModelMetadata['governance']>['trainedOnErasedSubject'];
}

/** The versions the subject's trainings registered, as they stand now (a version deleted since is left out). */
export async function trainedVersions(deps: SubjectTrainingDeps, trainings: TrainingRecord[]): Promise<TrainedVersion[]> {
  const versions: TrainedVersion[] = [];
  for (const { model, version } of trainings.filter((training) => training.version)) {
    const { metadata } = await deps.models.current(model, version!).catch(() => ({ metadata: undefined }));
    if (!metadata) continue;
    const { approval, trainedOnErasedSubject } = metadata.governance ?? { approval: { status: 'pending' } };
    versions.push({
      model,
      version: version!,
      approval: approval.status,
      ...(trainedOnErasedSubject && { trainedOnErasedSubject }),
    });
  }
  return versions;
}

/** The subject's trainings as the export gives them: what GET /v1/trainings/{id} shows. */
export const exportedTrainings = (trainings: TrainingRecord[]) => trainings.map(publicTraining);

/** How many times a version's metadata is read again when someone else wrote it meanwhile (an approval). */
const FLAG_ATTEMPTS = 3;

/** Marks the version as trained on an erased person's data; its card is regenerated with the notice. */
async function flagVersion(deps: SubjectTrainingDeps, training: TrainingRecord, at: Date): Promise<boolean> {
  for (let attempt = 0; attempt < FLAG_ATTEMPTS; attempt += 1) {
    const current = await deps.models.current(training.model, training.version!).catch(() => undefined);
    if (!current?.metadata.governance) return false;
    const { metadata, eTag } = current;
    const governance = metadata.governance!;
    const trainingIds = new Set([...(governance.trainedOnErasedSubject?.trainingIds ?? []), training.trainingId]);
    const flagged: ModelMetadata = {
      ...metadata,
      governance: {
        ...governance,
        trainedOnErasedSubject: { erasedAt: at.toISOString().slice(0, 10), trainingIds: [...trainingIds] },
      },
    };
    if (await deps.models.replaceMetadata(flagged, eTag)) return true;
  }
  throw new Error(`The metadata of ${training.model} ${training.version} kept changing: run the erasure again.`);
}

export interface TrainingErasure {
  /** Ended trainings whose record lost its personal parts. */
  redacted: number;
  /** Trainings still queued or running: their table is deleted, their record is left to end; erase again after. */
  inProgress: number;
  /** `model@version` of each version marked as trained on the subject's data. */
  flagged: string[];
}

/**
 * After the tables are deleted: marks the versions, then removes from each ended record what came from the table
 * (its data report, with category values and class names, its metrics, per class, and where the file was) and the
 * pseudonym, so the index no longer finds it. What stays says that a training ran, when, for which model, and
 * `erasedAt`. Records last, so a run cut short is found again by a rerun.
 */
export async function eraseTrainings(deps: SubjectTrainingDeps, trainings: TrainingRecord[], at: Date): Promise<TrainingErasure> {
  const result: TrainingErasure = { redacted: 0, inProgress: 0, flagged: [] };
  for (const training of trainings) {
    if (!ended(training)) {
      result.inProgress += 1;
      continue;
    }
    if (training.version && (await flagVersion(deps, training, at))) result.flagged.push(`${training.model}@${training.version}`);
    if (await deps.trainings.eraseSubject(training, at)) result.redacted += 1;
  }
  return result;
}
