import type { DataReport } from './profile';
import type { LeaderboardEntry } from './search';
import type { ImportProvenance } from './import/check-model';
import { markdownInline } from '../platform/markdown-text';
import { baselineLines } from './baseline-card';
import { companionArtifacts, type ModelMetadata } from '../serving/model-spec';

type Governance = NonNullable<ModelMetadata['governance']>;
export type Registered = ModelMetadata & { governance: Governance };

/** What AutoML adds to a trained version's provenance (functions/training/train.ts); shipped ones lack it. */
function automlOf(m: Registered): { report?: DataReport; leaderboard?: LeaderboardEntry[]; metric?: string } {
  return {
    report: m.training.dataReport as DataReport | undefined,
    leaderboard: m.training.leaderboard as LeaderboardEntry[] | undefined,
    metric: typeof m.training.parameters.metric === 'string' ? m.training.parameters.metric : undefined,
  };
}

/** The data report in one paragraph per heading: what was read, used, dropped, imputed and encoded, and why. */
function dataReportLines(report: DataReport): string[] {
  const list = (items: string[]) => (items.length > 0 ? items.join('; ') : 'none');
  const { rows, columns, target } = report;
  return [
    `Rows: ${rows.read} read, ${rows.used} used; dropped: ${list(rows.dropped.map((d) => `${d.count} ${d.reason}`))}`,
    `Columns kept: ${list(columns.kept.map((c) => `${c.name} (${c.type}, ${c.missing} missing)`))}`,
    `Columns dropped: ${list(columns.dropped.map((c) => `${c.name}: ${c.reason}`))}`,
    `Imputations: ${list(report.imputations.map((i) => `${i.column}: ${i.strategy} (${i.missing} missing)`))}`,
    `Encodings: ${list(report.encodings.map((e) => `${e.column}: ${e.encoding} (${e.values.join(', ')})`))}`,
    ...(report.identifiersAccepted
      ? [
          `Direct identifiers accepted by the uploader (acceptIdentifiers): ${report.identifiersAccepted
            .map((i) => `${i.column} (${i.looksLike})`)
            .join('; ')}. The approver decides whether training on them is lawful and needed (GDPR Art. 5(1)(c)).`,
        ]
      : []),
    // A category's values are served with the model (its spec, this card, /v2 metadata): the approver is the one
    // who can tell that a column of names or e-mail addresses should never have been a feature (GDPR Art. 5(1)(c)).
    ...(report.encodings.length > 0
      ? [
          'Before approving: the category values above are published with the model (its spec, this card, the API ' +
            'documents). If any is personal data (names, e-mail addresses, identifiers), reject this version and ' +
            'train again without that column.',
        ]
      : []),
    `Target: ${target.name}, ${target.task} (${target.reason})${
      target.classes
        ? `; classes ${Object.entries(target.classes)
            .map(([label, n]) => `${label} ${n}`)
            .join(', ')}`
        : ''
    }`,
  ];
}

const leaderboardScore = (entry: LeaderboardEntry) =>
  entry.cvScore === null ? 'not scored (time budget)' : String(entry.cvScore);

/** Flattens a metric set into (name, value) pairs: nested objects (per-class figures) become `name.key`. */
function metricPairs(set: Record<string, unknown>, prefix = ''): Array<[string, string]> {
  return Object.entries(set).flatMap(([key, value]): Array<[string, string]> => {
    if (key === 'measuredBy') return [];
    if (value !== null && typeof value === 'object') return metricPairs(value as Record<string, unknown>, `${prefix}${key}.`);
    return [[`${prefix}${key}`, String(value)]];
  });
}

/** What answers for the version: its model's file and checksum, and those of each network shipped beside it. */
const overview = (m: Registered) =>
  `${m.description ?? m.task} Artifact ${m.artifact.file}, ${m.artifact.bytes.toLocaleString('en')} bytes, SHA-256 ${m.artifact.sha256}.` +
  companionArtifacts(m)
    .map(({ file, sha256 }) => ` Beside it, ${file}, SHA-256 ${sha256}.`)
    .join('');

function inputFormat(input: ModelMetadata['input']): string {
  if (input.kind === 'image') {
    return `image ${input.channels}x${input.height}x${input.width} (${input.layout}, ${input.dtype}, fit ${input.fit})`;
  }
  const features = input.features.map((f) => {
    const detail = f.type === 'category' ? f.values.join('|') : f.range ? `${f.range.min}–${f.range.max}` : 'any';
    return `${f.name} (${f.type}${f.unit ? `, ${f.unit}` : ''}, ${detail}${f.required ? '' : ', optional'})`;
  });
  const window = input.window ? `, windows of ${input.window.rows} rows (step ${input.window.step})` : '';
  const calibration = input.calibration ? `, standardised over the first ${input.calibration.rows} rows of each file` : '';
  return `tabular [N, ${input.features.length}] ${input.dtype}${window}${calibration}: ${features.join(', ')}`;
}

function outputFormat(output: ModelMetadata['output']): string {
  switch (output.kind) {
    case 'classification':
      return `classification over ${output.labels.length} labels (${output.activation})`;
    case 'detection':
      return `detection of ${output.labels.join(', ')} boxes (stride ${output.stride}, threshold ${output.scoreThreshold}, NMS IoU ${output.nmsIou})`;
    case 'regression':
      return `regression${output.unit ? ` (${output.unit})` : ''}`;
    case 'anomaly':
      return `anomaly score, anomaly when score >= ${output.threshold}`;
  }
}

/**
 * How an imported version came in and what its checks measured (functions/training/import/): its author wrote the
 * rest of the card. The graph's own strings (producer, operators) are the file's, so they are escaped like any text.
 */
function importLine(m: Registered): string {
  const imported = m.training.import as ImportProvenance | undefined;
  if (!imported) return '';
  const samples = imported.samples
    ? `${imported.samples.count} sample(s) matched within ${imported.samples.tolerance}`
    : 'no samples given';
  return `- Imported ${imported.importedAt} through ${imported.source === 's3' ? 'the S3 door' : 'the API'}: opset ${imported.opset ?? 'none'}, operators ${markdownInline(imported.operators.join(', '))}${imported.producer ? `, made by ${markdownInline(imported.producer)}` : ''}; loads in ${imported.loadMs} ms, first inference ${imported.firstInferenceMs} ms; ${samples}
`;
}

const architectureOf = (m: Registered) => String(m.training.parameters.architecture ?? m.task);

/** The erasure notice on a card (#20.4): what the approver or owner must now decide. */
function erasureNotice(g: Registered['governance']): string | undefined {
  const erased = g.trainedOnErasedSubject;
  if (!erased) return undefined;
  return (
    `Trained on the data of a person whose data was erased on ${erased.erasedAt} (trainings ${erased.trainingIds.join(', ')}): ` +
    'the table is gone but the model keeps what it learnt from it. Retrain without their rows and retire this ' +
    'version, or record in the approval notes why it is kept (governance/data-subject-rights.md §2)'
  );
}

/**
 * The Model Card Toolkit (schema 0.0.2) fields this project fills, from a version's metadata alone:
 * governance/schemas/model-card.schema.json is that subset.
 */
export function modelCardJson(m: Registered) {
  const g = m.governance;
  const automl = automlOf(m);
  return {
    schema_version: '0.0.2',
    model_details: {
      name: m.name,
      overview: overview(m),
      owners: [{ name: g.owner.name, contact: g.owner.contact }],
      version: { name: m.version, date: m.training.trainedAt },
      licenses: [{ custom_text: `Model: ${g.licence.model}. Data: ${g.licence.data}.` }],
      references: [{ reference: `models/${m.name}/${m.version}/metadata.json` }, { reference: m.training.code }],
    },
    model_parameters: {
      model_architecture: architectureOf(m),
      input_format: inputFormat(m.input),
      output_format: outputFormat(m.output),
      data: [
        {
          name: 'training',
          description: [
            `${m.training.data.source}; SHA-256 ${m.training.data.sha256}; split ${JSON.stringify(m.training.data.split)}`,
            ...(automl.report ? dataReportLines(automl.report) : []),
          ].join('. '),
          sensitive: { sensitive_data: g.personalData.processesPersonalData ? g.personalData.categories : [] },
        },
        ...Object.entries(g.evaluationData).map(([name, description]) => ({
          name,
          description,
          sensitive: { sensitive_data: g.personalData.processesPersonalData ? g.personalData.categories : [] },
        })),
        // What drift compares production windows with (#24).
        ...(m.baseline
          ? [{ name: 'drift baseline', description: baselineLines(m.baseline).join('; '), sensitive: { sensitive_data: [] } }]
          : []),
      ],
    },
    quantitative_analysis: {
      performance_metrics: [
        ...Object.entries(m.metrics).flatMap(([slice, set]) => metricPairs(set).map(([type, value]) => ({ type, value, slice }))),
        ...(automl.leaderboard ?? []).map((entry) => ({
          type: `${automl.metric ?? 'score'} (cross-validated mean)`,
          value: leaderboardScore(entry),
          slice: `leaderboard: ${entry.candidate}`,
        })),
      ],
    },
    considerations: {
      users: g.intendedUse.primaryUsers.map((description) => ({ description })),
      use_cases: g.intendedUse.primaryUses.map((description) => ({ description })),
      limitations: [...g.limitations, ...g.intendedUse.outOfScope.map((use) => `Out of scope: ${use}`)].map((description) => ({
        description,
      })),
      tradeoffs: g.factors.map((description) => ({ description: `Performance depends on: ${description}` })),
      ethical_considerations: [
        ...g.ethicalConsiderations.map(({ risk, mitigation }) => ({ name: risk, mitigation_strategy: mitigation })),
        ...(g.trainedOnErasedSubject
          ? [{ name: 'Trained on erased personal data', mitigation_strategy: erasureNotice(g)! }]
          : []),
      ],
    },
  };
}

const bullets = (items: string[]) => items.map((item) => `- ${item}`).join('\n');

/** Every candidate AutoML tried, in the order it tried them, the chosen one in bold. */
function leaderboardSection(leaderboard: LeaderboardEntry[], metric: string | undefined, chosen: unknown): string {
  const rows = leaderboard.map(
    (entry) =>
      `| ${entry.candidate === chosen ? `**${entry.candidate}** (chosen)` : entry.candidate} | ${leaderboardScore(entry)} | ${entry.foldScores.join(', ')} | ${entry.fitSeconds} |`,
  );
  return `### Leaderboard (cross-validated ${metric ?? 'score'}, higher is better; errors are negated)
| candidate | mean | folds | fit seconds |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
}

/** The same card as Markdown, in the sections of Mitchell et al., "Model Cards for Model Reporting" (2019). */
export function modelCardMarkdown(m: Registered, generatedBy = '`npm run governance`'): string {
  const g = m.governance;
  const approval = g.approval;
  const metricRows = Object.entries(m.metrics).flatMap(([slice, set]) =>
    metricPairs(set).map(([name, value]) => `| ${slice} | ${name} | ${value} |`),
  );
  const automl = automlOf(m);
  return `<!-- Generated by ${generatedBy} from models/${m.name}/${m.version}/metadata.json: edit that, not this. -->
# Model card: ${m.name} ${m.version}

## Model details
- ${overview(m)}
- Task: ${m.task}. Architecture: ${architectureOf(m)}
- Owner: ${g.owner.name} (${g.owner.contact})
- Approval: **${approval.status}**${approval.approver ? ` by ${markdownInline(approval.approver)}` : ''}${approval.date ? ` on ${approval.date}` : ''}${approval.notes ? ` (${markdownInline(approval.notes)})` : ''}
${
  g.trainedOnErasedSubject
    ? `- **Data-subject erasure**: ${erasureNotice(g)}
`
    : ''
}${importLine(m)}- Trained ${m.training.trainedAt} by \`${m.training.code}\` at commit ${m.training.codeCommit ?? 'unknown'}${m.training.codeDirty ? ' (working tree not clean)' : ''}, ${m.training.framework}, seed ${m.training.seed}
- Licence: model: ${g.licence.model}; data: ${g.licence.data}

## Intended use
Primary uses:
${bullets(g.intendedUse.primaryUses)}

Primary users:
${bullets(g.intendedUse.primaryUsers)}

Out of scope:
${bullets(g.intendedUse.outOfScope)}

## Factors
${bullets(g.factors)}

## Metrics
| data | metric | value |
| --- | --- | --- |
${metricRows.join('\n')}

Measured by: ${Object.entries(m.metrics)
    .map(([slice, set]) => `${slice}: ${set.measuredBy}`)
    .join('; ')}.

## Evaluation data
${bullets(Object.entries(g.evaluationData).map(([name, description]) => `${name}: ${description}`))}

## Training data
- ${m.training.data.source}
- SHA-256 ${m.training.data.sha256}
- Split: \`${JSON.stringify(m.training.data.split)}\`
- Licence: ${m.training.data.license ?? g.licence.data}
${automl.report ? `\n### Data report (what AutoML cleaned)\n${bullets(dataReportLines(automl.report).map(markdownInline))}\n` : ''}${
    automl.leaderboard ? `\n${leaderboardSection(automl.leaderboard, automl.metric, m.training.parameters.candidate)}` : ''
  }
${m.baseline ? `## Drift baseline\nWhat \`vigie drift\` compares each window of production with (PSI per line, docs/architecture.md D20):\n${bullets(baselineLines(m.baseline).map(markdownInline))}\n\n` : ''}## Ethical considerations
- Personal data: ${g.personalData.processesPersonalData ? `yes: ${g.personalData.categories.join('; ')}. Legal basis: ${g.personalData.legalBasis}. DPIA: ${g.personalData.dpiaReference}` : 'no'}
${bullets(g.ethicalConsiderations.map(({ risk, mitigation }) => `${risk}. Mitigation: ${mitigation}`))}

## Caveats and recommendations
${bullets(g.limitations)}
`;
}
