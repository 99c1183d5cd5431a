/**
 * What `vigie eval digits <version> --against <other>` runs (eval.ts declares the option): both versions through the
 * serving path on the same pages, and what changed; for a detector, both on its validation frames, side by side. Loaded only when asked, as eval-run.ts.
 */
import { ModelRegistry } from '../../../functions/serving/registry';
import { compareVersions } from '../../evaluation/compare-versions';
import { detectorComparison, type DetectorFigures } from '../../evaluation/detector-report';
import { evaluateDetector } from '../../evaluation/evaluate';
import { pct } from '../../evaluation/digits-report';
import { emit } from '../output';
import { progressBar, type Progress } from '../progress';
import { UsageError, type GlobalOptions } from '../target';

export async function compare(
  name: string,
  requested: string | undefined,
  options: { record?: boolean; against?: string },
  global: GlobalOptions,
): Promise<void> {
  if (options.record) throw new UsageError('--record and --against do not go together: record a version on its own.');
  const registry = new ModelRegistry('models');
  const versions = await registry.versions(name);
  const version = requested ?? versions.at(-1);
  const against = options.against!;
  if (!version) throw new UsageError(`No model '${name}' in models/.`);
  for (const wanted of [version, against]) {
    if (!versions.includes(wanted))
      throw new UsageError(`No version ${wanted} of '${name}' in models/ (${versions.join(', ')}).`);
  }
  const [after, before] = [await registry.inspect(name, version), await registry.inspect(name, against)];
  if (after.metadata.output.kind === 'detection' && before.metadata.output.kind === 'detection') {
    if (!global.json) console.log(`Comparing ${name}@${version} against ${against} on its validation frames…`);
    const figures = [];
    for (const model of [before, after]) {
      let bar: Progress | undefined;
      const progress = (done: number, total: number) => {
        bar ??= progressBar(`frames (${model.metadata.version})`, total);
        bar.update(done);
      };
      figures.push(await evaluateDetector(model, global.json ? undefined : progress).finally(() => bar?.stop()));
    }
    const [was, is] = figures as [DetectorFigures, DetectorFigures];
    emit(global.json, { model: name, version, against, before: was, after: is }, () => [
      '',
      ...detectorComparison(was, is, [against, version]),
    ]);
    return;
  }
  for (const model of [after, before]) {
    const { input } = model.metadata;
    if (input.kind !== 'image' || input.fit !== 'mnist') {
      throw new UsageError(
        `--against compares digits versions on their page sets, or detectors on their validation frames; ${name}@${model.metadata.version} is neither.`,
      );
    }
  }
  if (!global.json) console.log(`Comparing ${name}@${version} against ${against} through the serving path…`);
  let bar: Progress | undefined;
  const changes = await compareVersions(before, after, (set) => {
    bar?.stop();
    bar = undefined;
    return (done, total) => {
      bar ??= progressBar(`pages (${set})`, total);
      bar.update(done);
    };
  }).finally(() => bar?.stop());
  // The set column as wide as its longest name (stress-shadow), so the figures stay under their headings.
  const setWidth = Math.max(3, ...changes.map((c) => c.set.length));
  emit(global.json, { model: name, version, against, sets: changes }, () => [
    '',
    `${'set'.padEnd(setWidth)} pages  ${against.padStart(9)}  ${version.padStart(9)}  right now  wrong now`,
    ...changes.map(
      (c) =>
        `${c.set.padEnd(setWidth)} ${String(c.pages).padStart(5)}  ${pct(c.accuracyBefore).padStart(9)}  ${pct(c.accuracyAfter).padStart(9)}  ${`+${c.nowRight}`.padStart(9)}  ${`−${c.nowWrong}`.padStart(9)}`,
    ),
    '',
    'Choose on the realistic, development and stress sets; the independent set is frozen, to check, never to choose (issue #27).',
  ]);
}
