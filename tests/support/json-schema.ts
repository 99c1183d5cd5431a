import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Validates with a real JSON Schema validator (Ajv), not with the zod schemas the files were generated from:
 * what a compliance tool outside this code base would see. Returns the errors as readable strings.
 */
export function jsonSchemaValidator(path: string): (value: unknown) => string[] {
  const schema = JSON.parse(readFileSync(path, 'utf8')) as { $schema?: string };
  const ajv = schema.$schema?.includes('2020-12')
    ? new Ajv2020({ allErrors: true, strict: false })
    : new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (value) =>
    validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
}
