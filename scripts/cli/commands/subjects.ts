/** `vigie subjects export|erase <id>`: a person's GDPR rights through the API, with a key that holds subject rights. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { callApi } from '../api';
import { emit } from '../output';
import { subjectIdSchema } from '../../../functions/api/http/path-parameters';
import { normaliseSubjectId, SUBJECT_ID_MAX_CHARS } from '../../../functions/records/subject-id';
import { apiTarget, UsageError, type GlobalOptions } from '../target';

interface SubjectExport {
  subjectPseudonym: string;
  predictions: unknown[];
  files: unknown[];
  contentIncluded: boolean;
}

interface ErasureReceipt {
  subjectPseudonym: string;
  predictions: number;
  files: number;
  inFlightUploads: number;
  tombstoneUntil: string;
  retained: string[];
}

/**
 * The subject's route, for an identifier the API takes (checked as the API reads it: trimmed, 1 to 2,048
 * characters; sent as given, which the API reads the same way). An empty one made `/v1/subjects//export`, a route
 * that does not exist; `.` and `..` are dot segments, which fetch resolves away (`/v1/subjects/../export` is
 * `/v1/export`) however they are encoded, so they cannot be sent.
 */
function subjectPath(id: string): string {
  const read = normaliseSubjectId(id);
  if (!subjectIdSchema.safeParse(read).success) {
    throw new UsageError(`Give the person's identifier, 1 to ${SUBJECT_ID_MAX_CHARS} characters (not blank).`);
  }
  if (id === '.' || id === '..') throw new UsageError(`'${id}' cannot be sent in a URL path: it is not an identifier.`);
  return `/v1/subjects/${encodeURIComponent(id)}`;
}

async function exportSubject(id: string, options: { output?: string }, global: GlobalOptions): Promise<void> {
  const path = `${subjectPath(id)}/export`;
  const body = (await callApi(await apiTarget(global), path)) as SubjectExport;
  if (options.output) await writeFile(options.output, `${JSON.stringify(body, null, 2)}\n`);
  // Without --output or --json the export goes to standard output whole: it is the person's copy of their data.
  if (!options.output || global.json) {
    console.log(JSON.stringify(body, null, 2));
    return;
  }
  console.log(
    `${body.predictions.length} prediction(s) and ${body.files.length} file(s)${body.contentIncluded ? '' : ' (file contents left out: over the size limit)'} written to ${options.output}`,
  );
}

async function erase(id: string, global: GlobalOptions): Promise<void> {
  const path = subjectPath(id);
  const receipt = (await callApi(await apiTarget(global), path, { method: 'DELETE' })) as ErasureReceipt;
  emit(global.json, receipt, () => [
    `Erased ${receipt.predictions} prediction(s) and ${receipt.files} file(s) (${receipt.inFlightUploads} upload(s) still in flight) for ${receipt.subjectPseudonym}.`,
    `Uploads made before now and processed later are deleted until ${receipt.tombstoneUntil}.`,
    ...receipt.retained.map((line) => `Kept: ${line}`),
  ]);
}

export function registerSubjects(program: Command): void {
  const subjects = program
    .command('subjects')
    .description("a person's data (GDPR Art. 15, 17, 20): export or erase, with a key that has subject rights")
    .addHelpText(
      'after',
      '\nExamples:\n  vigie subjects export driver-42 --output driver-42.json\n  vigie subjects erase driver-42 --json',
    );
  subjects
    .command('export')
    .description('every record and file held about the person (GET /v1/subjects/{id}/export), as JSON')
    .argument('<id>', 'the identifier the inputs were sent with (x-subject-id, or the subject-id upload metadata)')
    .option('-o, --output <file>', 'write the export to this file instead of standard output')
    .addHelpText('after', '\nExample:\n  vigie subjects export alice@example.com -o alice.json')
    .action((id: string, options: { output?: string }, command: Command) =>
      exportSubject(id, options, command.optsWithGlobals<GlobalOptions>()),
    );
  subjects
    .command('erase')
    .description("delete the person's records and files (DELETE /v1/subjects/{id}) and print the receipt")
    .argument('<id>', 'the identifier the inputs were sent with')
    .addHelpText(
      'after',
      '\nExample:\n  vigie subjects erase driver-42 --stage prod --endpoint https://api.example.com --api-key "$DPO_KEY"',
    )
    .action((id: string, _options: unknown, command: Command) => erase(id, command.optsWithGlobals<GlobalOptions>()));
}
