import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../functions/serving/registry';
import { governanceFiles } from '../../scripts/governance/generated-files';
import { jsonSchemaValidator } from '../support/json-schema';
import { MODELS_DIR } from '../support/models';

/** The model registry as a compliance officer reads it: every committed version, its schema, its card. */
const registry = new ModelRegistry(MODELS_DIR);
const validateMetadata = jsonSchemaValidator('governance/schemas/model-metadata.schema.json');
const validateCard = jsonSchemaValidator('governance/schemas/model-card.schema.json');
let versions: Array<{ name: string; version: string; path: string }>;

beforeAll(async () => {
  versions = [];
  for (const name of await registry.modelNames()) {
    for (const version of await registry.versions(name)) versions.push({ name, version, path: join(MODELS_DIR, name, version) });
  }
});

describe('model registry', () => {
  it('has every committed version valid against governance/schemas/model-metadata.schema.json', () => {
    expect(versions.length).toBeGreaterThanOrEqual(2);
    for (const { path } of versions) {
      const metadata = JSON.parse(readFileSync(join(path, 'metadata.json'), 'utf8'));
      expect({ path, errors: validateMetadata(metadata) }).toEqual({ path, errors: [] });
    }
  });

  it('has artifacts whose SHA-256 and size are the ones their metadata states', () => {
    for (const { path } of versions) {
      const metadata = JSON.parse(readFileSync(join(path, 'metadata.json'), 'utf8'));
      const bytes = readFileSync(join(path, metadata.artifact.file));
      expect({ path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length }).toEqual({
        path,
        sha256: metadata.artifact.sha256,
        bytes: metadata.artifact.bytes,
      });
    }
  });

  it('refuses metadata that skips a governance duty (the schema can fail)', async () => {
    const good = JSON.parse(readFileSync(join(MODELS_DIR, 'digits', '1.0.0', 'metadata.json'), 'utf8'));
    const withGovernance = (change: (g: Record<string, unknown> & { personalData: Record<string, unknown> }) => void) => {
      const copy = structuredClone(good);
      change(copy.governance);
      return copy;
    };
    expect(validateMetadata(good)).toEqual([]);
    expect(validateMetadata({ ...good, governance: undefined }).join()).toContain('governance');
    expect(validateMetadata(withGovernance((g) => delete g.owner)).join()).toContain('owner');
    expect(validateMetadata(withGovernance((g) => (g.approval = { status: 'approved-ish' }))).length).toBeGreaterThan(0);
    expect(validateMetadata(withGovernance((g) => delete g.personalData.processesPersonalData)).length).toBeGreaterThan(0);
    expect(validateMetadata({ ...good, artifact: { ...good.artifact, sha256: 'abc' } }).join()).toContain('/artifact/sha256');
  });
});

describe('generated governance files', () => {
  it('are up to date: schemas and model cards match what `npm run governance` makes from code and metadata', async () => {
    const files = await governanceFiles(MODELS_DIR);
    for (const { name, version } of versions) {
      expect(files.has(`governance/model-cards/${name}-${version}.md`), `${name} ${version} has a card`).toBe(true);
    }
    for (const [path, content] of files) {
      expect(existsSync(path), `${path} is committed (run npm run governance)`).toBe(true);
      expect(readFileSync(path, 'utf8'), `${path} is stale: run npm run governance`).toBe(content);
    }
  });

  it('has JSON model cards valid against the Model Card Toolkit fields we use, with the sections of a card', () => {
    for (const { name, version } of versions) {
      const card = JSON.parse(readFileSync(`governance/model-cards/${name}-${version}.json`, 'utf8'));
      expect({ card: `${name}-${version}`, errors: validateCard(card) }).toEqual({ card: `${name}-${version}`, errors: [] });
      expect(card.considerations.ethical_considerations.length).toBeGreaterThan(0);
      const markdown = readFileSync(`governance/model-cards/${name}-${version}.md`, 'utf8');
      for (const section of [
        'Model details',
        'Intended use',
        'Factors',
        'Metrics',
        'Evaluation data',
        'Training data',
        'Ethical considerations',
        'Caveats and recommendations',
      ]) {
        expect(markdown).toContain(`## ${section}`);
      }
    }
    expect(validateCard({ schema_version: '0.0.2', model_details: { name: 'x' } }).length).toBeGreaterThan(0);
  });

  it('notes the SKAB GPL-3.0 licence as an open risk in the sensor-anomaly governance facts', () => {
    const facts = JSON.parse(readFileSync(join(MODELS_DIR, 'sensor-anomaly', 'governance.json'), 'utf8'));
    expect(facts.licence.data).toMatch(/GPL-3\.0.*open risk/);
    expect(facts.limitations.join('\n')).toMatch(/GPL-3\.0.*open risk/);
    expect(facts.ethicalConsiderations.map((c: { risk: string }) => c.risk).join('\n')).toMatch(/GPL-3\.0/);
  });

  it('notes the car dataset licence as an open risk on its card', () => {
    const card = readFileSync('governance/model-cards/car-detector-1.0.0.md', 'utf8');
    expect(card).toMatch(/licence is unknown: an open risk/);
  });
});
