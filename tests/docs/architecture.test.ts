import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLayers } from '../../layers/build';
import {
  ARCHITECTURE_DOC,
  DOMAINS,
  functionFolders,
  generatedBlocks,
  moduleMapProblems,
  rewrite,
} from '../../scripts/docs/architecture';

/**
 * docs/architecture.md is the living design document: its generated parts (module map, functions, storage, record
 * fields, models, layer sizes) must be what the sources say today. A failure here means: run `npm run docs` and commit.
 */
let blocks: Record<string, string>;

beforeAll(async () => {
  buildLayers();
  blocks = await generatedBlocks();
}, 120_000);

describe(ARCHITECTURE_DOC, () => {
  it('holds every generated part, each as its source says today', () => {
    const { stale, missing } = rewrite(readFileSync(ARCHITECTURE_DOC, 'utf8'), blocks);
    expect({ stale, missing }).toEqual({ stale: [], missing: [] });
  });

  it('notices a stale part (so the check above can fail)', () => {
    const document = readFileSync(ARCHITECTURE_DOC, 'utf8').replace('| `predict` |', '| `predict-renamed` |');
    expect(rewrite(document, blocks).stale).toEqual(['functions']);
  });

  it('lists every function of serverless.yml and every field of the prediction record', () => {
    for (const name of ['preprocess', 'infer', 'predict', 'subjects']) expect(blocks.functions).toContain(`| \`${name}\` |`);
    for (const field of ['predictionId', 'inputSha256', 'subjectId', 'expiresAt'])
      expect(blocks.record).toContain(`| \`${field}\` |`);
  });

  it('maps every folder of functions/ to a domain or a handler, each domain importing only those below it', () => {
    expect(moduleMapProblems(DOMAINS, functionFolders())).toEqual([]);
    for (const domain of DOMAINS) expect(blocks.modules).toContain(`| \`functions/${domain.name}/\` |`);
  });

  it('notices a folder the map does not name, and a domain allowed to import upward', () => {
    const folders = [...functionFolders(), { name: 'reports', handler: false }];
    expect(moduleMapProblems(DOMAINS, folders)).toEqual([
      'functions/reports/ is neither a handler folder nor a domain of .dependency-cruiser.cjs',
    ]);
    const upward = DOMAINS.map((domain) => (domain.name === 'records' ? { ...domain, mayImport: ['serving'] } : domain));
    expect(moduleMapProblems(upward, functionFolders())).toEqual(['records may import serving, which is not a domain below it']);
  });
});
