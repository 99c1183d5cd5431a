/**
 * `npm run docs` — rewrites the generated parts of docs/architecture.md from their sources, so the living design
 * document cannot drift from what is built: the functions and routes as `serverless print` resolves them, the
 * storage from the CloudFormation resources, the prediction record's fields from its TypeScript declaration,
 * the models from their metadata, the layer sizes from `npm run build:layers`, the module map from the domain
 * list that .dependency-cruiser.cjs enforces. `--check` only compares, and exits
 * 1 naming the stale parts (tests/docs/architecture.test.ts runs the same comparison).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { directorySize } from '../../layers/build';
import {
  layerFolder,
  printedResources,
  serverlessPrint,
  type CfnResource,
  type PrintedFunction,
  type PrintedService,
} from '../build/serverless-print';

export const ARCHITECTURE_DOC = 'docs/architecture.md';

const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const logicalId = (fn: string) => `${fn[0]!.toUpperCase()}${fn.slice(1)}LambdaFunction`;

/** The resources an IAM role may invoke (lambda:InvokeFunction), each as JSON. */
function invokeStatements(role: CfnResource | undefined): string[] {
  const policies = (role?.Properties?.Policies ?? []) as Array<{
    PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> };
  }>;
  return policies
    .flatMap((policy) => policy.PolicyDocument.Statement)
    .filter((statement) => ([] as unknown[]).concat(statement.Action).includes('lambda:InvokeFunction'))
    .map((statement) => JSON.stringify(statement.Resource));
}

/** The uploads bucket's notification of this function, if any: bucket, key prefix and suffix. */
function s3Trigger(id: string, resources: Record<string, CfnResource>): string | undefined {
  const s3 = Object.values(resources).find(
    (r) => r.Type === 'AWS::S3::Bucket' && JSON.stringify(r.Properties?.NotificationConfiguration ?? {}).includes(`"${id}"`),
  );
  if (!s3) return undefined;
  // The bucket may notify several functions, each for its own prefix (incoming/ → preprocess, training/ → train).
  type Notified = { Function?: unknown; Filter?: { S3Key?: { Rules?: Array<{ Name: string; Value: string }> } } };
  const notification = s3.Properties?.NotificationConfiguration as { LambdaConfigurations?: Notified[] } | undefined;
  const mine = (notification?.LambdaConfigurations ?? []).filter((c) => JSON.stringify(c.Function).includes(`"${id}"`));
  const rule = (c: Notified, name: string) => c.Filter?.S3Key?.Rules?.find((r) => r.Name === name)?.Value;
  const suffixes = mine.flatMap((c) => [rule(c, 'suffix')].filter((suffix) => suffix !== undefined));
  const prefix = mine.map((c) => rule(c, 'prefix') ?? '')[0] ?? '';
  const endings = suffixes.length > 0 ? `, suffix ${suffixes.map((suffix) => `\`${suffix}\``).join(' or ')}` : '';
  return `S3 ObjectCreated in \`${String(s3.Properties?.BucketName)}\` (prefix \`${prefix}\`${endings})`;
}

/** How each function is started: its HTTP routes, S3 notification and schedule, or who may invoke it (from the IAM roles). */
function triggers(name: string, fn: PrintedFunction, printed: PrintedService, resources: Record<string, CfnResource>): string {
  const id = logicalId(name);
  const started = [
    ...(fn.events ?? []).flatMap(({ httpApi }) =>
      httpApi === '*' ? ['`$default (any other route)`'] : httpApi ? [`\`${httpApi.method} ${httpApi.path}\``] : [],
    ),
    ...(fn.events ?? []).flatMap(({ schedule }) => (schedule ? [`EventBridge schedule \`${schedule}\``] : [])),
    ...[s3Trigger(id, resources)].filter((trigger) => trigger !== undefined),
    ...(fn.events ?? []).flatMap(({ schedule }) =>
      schedule ? [`EventBridge schedule \`${typeof schedule === 'string' ? schedule : schedule.rate}\``] : [],
    ),
  ];
  if (started.length > 0) return started.join('<br>');
  const invokers = Object.entries(printed.functions)
    .filter(([, other]) => invokeStatements(other.role ? resources[other.role] : undefined).some((r) => r.includes(`"${id}"`)))
    .map(([other]) => other);
  return invokers.length > 0 ? `Lambda Invoke from ${invokers.join(', ')}` : '—';
}

function functionsBlock(printed: PrintedService, resources: Record<string, CfnResource>): string {
  const rows = Object.entries(printed.functions).map(([name, fn]) => [
    `\`${name}\``,
    triggers(name, fn, printed, resources),
    `${fn.memorySize ?? printed.provider.memorySize} MB`,
    `${fn.timeout ?? printed.provider.timeout} s`,
    (fn.layers ?? []).map(layerFolder).join(', ') || '—',
  ]);
  return table(['function', 'started by', 'memory', 'timeout', 'layers'], rows);
}

function storageBlock(resources: Record<string, CfnResource>): string {
  const rows = Object.values(resources).flatMap((r): string[][] => {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::DynamoDB::Table') {
      const keys = (p.KeySchema as Array<{ AttributeName: string }>).map((k) => k.AttributeName).join(', ');
      const indexes = ((p.GlobalSecondaryIndexes as Array<{ IndexName: string }> | undefined) ?? []).map((i) => i.IndexName);
      const ttl = (p.TimeToLiveSpecification as { AttributeName?: string } | undefined)?.AttributeName;
      const notes = [indexes.length ? `index ${indexes.join(', ')}` : '', ttl ? `TTL on \`${ttl}\`` : ''].filter(Boolean);
      return [['table', `\`${String(p.TableName)}\``, `key \`${keys}\``, notes.join('; ') || '—']];
    }
    if (r.Type === 'AWS::S3::Bucket') {
      const rules = (p.LifecycleConfiguration as { Rules?: Array<{ ExpirationInDays?: number }> } | undefined)?.Rules ?? [];
      const expiry = rules.find((rule) => rule.ExpirationInDays)?.ExpirationInDays;
      return [['bucket', `\`${String(p.BucketName)}\``, '—', expiry ? `objects expire after ${expiry} days` : '—']];
    }
    if (r.Type === 'AWS::SQS::Queue') {
      const days = Number(p.MessageRetentionPeriod ?? 0) / 86_400;
      return [['queue', `\`${String(p.QueueName)}\``, '—', `messages kept ${days} days`]];
    }
    return [];
  });
  return table(['kind', 'name (dev stage)', 'key', 'retention and indexes'], rows);
}

/** The record's fields as declared in functions/records/records.ts, with their doc comments. */
function recordBlock(): string {
  const path = 'functions/records/records.ts';
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const record = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'PredictionRecord',
  );
  if (!record) throw new Error(`${path} no longer declares PredictionRecord`);
  const rows = record.members.filter(ts.isPropertySignature).map((member) => {
    const doc = ts
      .getJSDocCommentsAndTags(member)
      .map((tag) => ts.getTextOfJSDocComment(tag.comment) ?? '')
      .join(' ')
      .replace(/\s+/g, ' ')
      .replace(/\|/g, '\\|');
    const type = (member.type?.getText(source) ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|');
    return [`\`${member.name.getText(source)}\``, member.questionToken ? 'no' : 'yes', `\`${type}\``, doc || '—'];
  });
  return table(['field', 'always', 'type', 'meaning'], rows);
}

interface Metadata {
  name: string;
  version: string;
  task: string;
  input: { kind: string };
  governance?: { approval?: { status?: string } };
}

function modelsBlock(): string {
  const rows: string[][] = [];
  for (const name of readdirSync('models').sort()) {
    const dir = join('models', name);
    for (const version of readdirSync(dir).filter((v) => /^\d+\.\d+\.\d+$/.test(v))) {
      const metadata = JSON.parse(readFileSync(join(dir, version, 'metadata.json'), 'utf8')) as Metadata;
      rows.push([
        `\`${metadata.name}\``,
        version,
        metadata.task,
        metadata.input.kind,
        metadata.governance?.approval?.status ?? 'pending',
      ]);
    }
  }
  return table(['model', 'version', 'task', 'input', 'approval'], rows);
}

/** Layer sizes as `npm run build:layers` leaves them (the function + layers limit is 250 MB unzipped). */
function sizesBlock(): string {
  const rows = ['onnxruntime', 'sharp', 'models'].map((layer) => {
    const dir = join('layers', 'build', layer);
    if (!existsSync(dir)) throw new Error(`${dir} is missing: run npm run build:layers first`);
    return [`\`${layer}\``, (directorySize(dir) / 1e6).toFixed(1)];
  });
  return table(['layer', 'MB unzipped'], rows);
}

/** A domain folder of functions/ as .dependency-cruiser.cjs declares it (bottom first). */
export interface Domain {
  name: string;
  holds: string;
  mayImport: string[];
}

export const DOMAINS = (createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as { domains: Domain[] }).domains;

/** The folders of functions/, each with whether it is a handler folder (holds a handler.ts). */
export function functionFolders(): Array<{ name: string; handler: boolean }> {
  return readdirSync('functions', { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: entry.name, handler: existsSync(join('functions', entry.name, 'handler.ts')) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * What keeps the module map from telling the truth: a folder of functions/ that is neither a declared domain nor
 * a handler folder, a declared domain with no folder, a domain that is also a handler folder, or a domain
 * allowed to import one not listed below it (an upward import, or a name that is no domain).
 */
export function moduleMapProblems(domains: Domain[], folders: Array<{ name: string; handler: boolean }>): string[] {
  const problems: string[] = [];
  const declared = new Set(domains.map((domain) => domain.name));
  for (const folder of folders) {
    if (folder.handler && declared.has(folder.name))
      problems.push(`functions/${folder.name}/ is a domain and holds a handler.ts`);
    if (!folder.handler && !declared.has(folder.name))
      problems.push(`functions/${folder.name}/ is neither a handler folder nor a domain of .dependency-cruiser.cjs`);
  }
  const present = new Set(folders.map((folder) => folder.name));
  domains.forEach((domain, index) => {
    if (!present.has(domain.name)) problems.push(`the domain ${domain.name} has no folder functions/${domain.name}/`);
    const below = new Set(domains.slice(0, index).map((other) => other.name));
    for (const target of domain.mayImport.filter((name) => !below.has(name)))
      problems.push(`${domain.name} may import ${target}, which is not a domain below it`);
  });
  return problems;
}

/** One line per domain folder, bottom first, then the handler folders on top. */
function modulesBlock(): string {
  const problems = moduleMapProblems(DOMAINS, functionFolders());
  if (problems.length > 0) throw new Error(`The module map does not hold:\n${problems.join('\n')}`);
  const handlers = functionFolders().filter((folder) => folder.handler);
  const rows = [
    ...DOMAINS.map((domain) => [
      `\`functions/${domain.name}/\``,
      domain.holds,
      domain.mayImport.map((name) => `\`${name}\``).join(', ') || '— (third-party packages only)',
    ]),
    [
      '`functions/<function>/`',
      `one per Lambda function (${handlers.map((folder) => folder.name).join(', ')}): its \`handler.ts\` (a named handler wrapped by middy) and what only it uses`,
      'any domain; never another handler folder',
    ],
  ];
  return table(['folder', 'holds', 'may import'], rows);
}

export async function generatedBlocks(): Promise<Record<string, string>> {
  // The dev stage: what AWS gets, layers included.
  const printed = await serverlessPrint('dev');
  const resources = printedResources(printed);
  return {
    modules: modulesBlock(),
    functions: functionsBlock(printed, resources),
    storage: storageBlock(resources),
    record: recordBlock(),
    models: modelsBlock(),
    sizes: sizesBlock(),
  };
}

const BLOCK = /(<!-- generated:(\w+) \(npm run docs\) -->\n)([\s\S]*?)(<!-- \/generated:\2 -->)/g;

/** The document with each generated part replaced; `stale` names the parts that differed. */
export function rewrite(document: string, blocks: Record<string, string>): { text: string; stale: string[]; missing: string[] } {
  const stale: string[] = [];
  const seen = new Set<string>();
  const text = document.replace(BLOCK, (_all, open: string, name: string, body: string, close: string) => {
    seen.add(name);
    const fresh = blocks[name] === undefined ? undefined : `${blocks[name]}\n`;
    if (fresh === undefined) return `${open}${body}${close}`;
    if (fresh !== body) stale.push(name);
    return `${open}${fresh}${close}`;
  });
  return { text, stale, missing: Object.keys(blocks).filter((name) => !seen.has(name)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  if (process.argv.includes('--help')) {
    console.log('Usage: npm run docs [-- --check]   rewrite (or only compare) the generated parts of docs/architecture.md');
    process.exit(0);
  }
  const { text, stale, missing } = rewrite(readFileSync(ARCHITECTURE_DOC, 'utf8'), await generatedBlocks());
  if (missing.length > 0) throw new Error(`${ARCHITECTURE_DOC} lacks the generated parts: ${missing.join(', ')}`);
  if (check) {
    if (stale.length > 0) console.error(`${ARCHITECTURE_DOC}: stale generated parts: ${stale.join(', ')} (run npm run docs)`);
    process.exit(stale.length > 0 ? 1 : 0);
  }
  writeFileSync(ARCHITECTURE_DOC, text);
  console.log(stale.length > 0 ? `rewrote ${stale.join(', ')} in ${ARCHITECTURE_DOC}` : `${ARCHITECTURE_DOC} is up to date`);
}
