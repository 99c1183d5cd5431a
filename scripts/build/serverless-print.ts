import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { filesUnder, reusableBuild, stampBuild } from './build-stamp';

const run = promisify(execFile);

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface PrintedFunction {
  role?: string;
  memorySize?: number;
  timeout?: number;
  layers?: unknown[];
  environment?: Record<string, unknown>;
  /** `httpApi: '*'` is the HTTP API's `$default` route: every request no other route takes. */
  events?: Array<{ httpApi?: { method: string; path: string } | '*'; schedule?: { rate: string } | string }>;
}

type ResourcesBlock = { Resources?: Record<string, CfnResource> };

/** The parts of serverless.yml, as the framework resolves it, that the scripts read. */
export interface PrintedService {
  service: string;
  provider: {
    region: string;
    stackName?: string;
    memorySize?: number;
    timeout?: number;
    environment?: Record<string, unknown>;
  };
  custom: { uploadsBucket: string };
  functions: Record<string, PrintedFunction>;
  resources?: ResourcesBlock[] | ResourcesBlock;
}

/**
 * What `serverless print` reads: serverless.yml, the infra/ files it includes (and the JSON and query files those
 * read), and the framework and its plugins (package-lock.json).
 */
const PRINT_INPUTS = [
  'serverless.yml',
  'infra',
  'functions/platform/metric-names.json',
  'governance/queries',
  'package-lock.json',
];
const PRINT_CACHE = join('node_modules', '.cache', 'vigie-serverless-print');

/** PRINT_INPUTS with the files under its folders: every file the framework reads to resolve the configuration. */
export const frameworkInputs = () =>
  PRINT_INPUTS.flatMap((path) => [path, ...(statSync(path).isDirectory() ? filesUnder(path) : [])]);

/** The environment variables the configuration reads (`${env:NAME}`), with the values they have in `env`. */
export function readVariables(inputs: string[], env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const names = new Set<string>();
  for (const file of inputs.filter((path) => /\.(yml|cjs)$/.test(path))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/env:([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
  }
  return Object.fromEntries([...names].sort().map((name) => [name, env[name]]));
}

/**
 * serverless.yml as the framework resolves it for `stage` (`serverless print`): variables, parameters, included
 * files and plugins applied, so the local platform, the benchmarks, the docs and the CLI read the same definition
 * AWS gets. `env` carries what the variables read (the local stage's ports). Printing calls no AWS service, but
 * the framework wants credentials to exist: stand-ins are given when there are none.
 *
 * The framework takes 1.4 s of CPU to print, and every platform start needs it (the integration tests start some
 * seventy): the answer is kept, stamped with the digests of what the framework reads (build-stamp.ts), for each
 * stage and set of variable values, and printed again only when one of them changes.
 */
export async function serverlessPrint(stage: string, env: NodeJS.ProcessEnv = process.env): Promise<PrintedService> {
  const inputs = frameworkInputs();
  const key = createHash('sha256')
    .update(JSON.stringify([stage, readVariables(inputs, env)]))
    .digest('hex')
    .slice(0, 16);
  const stampFile = join(PRINT_CACHE, `${stage}-${key}.json`);
  const kept = reusableBuild<PrintedService>(stampFile);
  if (kept) return kept;
  const { stdout } = await run(
    process.execPath,
    ['node_modules/osls/bin/serverless.js', 'print', '--stage', stage, '--format', 'json'],
    { env: { AWS_ACCESS_KEY_ID: 'offline', AWS_SECRET_ACCESS_KEY: 'offline', ...env }, maxBuffer: 16 * 1024 * 1024 },
  );
  // osls may print a notice before the document.
  const printed = JSON.parse(stdout.slice(stdout.indexOf('{'))) as PrintedService;
  mkdirSync(PRINT_CACHE, { recursive: true });
  stampBuild(stampFile, inputs, printed);
  return printed;
}

/** Every CloudFormation resource the service declares, by logical id (`resources` may be one block or a list). */
export function printedResources(printed: PrintedService): Record<string, CfnResource> {
  const blocks = printed.resources === undefined ? [] : ([] as ResourcesBlock[]).concat(printed.resources);
  return Object.assign({}, ...blocks.map((block) => block.Resources ?? {})) as Record<string, CfnResource>;
}

/** The variables a function runs with (provider.environment, then its own), as the strings Lambda hands it. */
export function environmentOf(printed: PrintedService, fn: PrintedFunction = {}): Record<string, string> {
  const merged = { ...printed.provider.environment, ...fn.environment };
  return Object.fromEntries(Object.entries(merged).map(([name, value]) => [name, String(value)]));
}

/** `{ Ref: 'SharpLambdaLayer' }` → `sharp`: the framework's logical id for the layer declared as `sharp`. */
export const layerFolder = (ref: unknown) =>
  String((ref as { Ref?: string }).Ref ?? ref)
    .replace(/LambdaLayer$/, '')
    .toLowerCase();

/** The CloudFormation stack the framework deploys the stage as: `provider.stackName`, else `<service>-<stage>`. */
export const stackName = (printed: PrintedService, stage: string) => printed.provider.stackName ?? `${printed.service}-${stage}`;
