import { createRequire } from 'node:module';

/**
 * onnxruntime-node and sharp ship native binaries and, in AWS, live in Lambda layers under /opt/nodejs. Lambda
 * puts that folder on NODE_PATH, which ESM `import` ignores and CommonJS `require` honours, so the bundled ESM
 * handlers load both through `require`. Locally the same call resolves them from node_modules.
 */
const requireNative = createRequire(import.meta.url);

export type Ort = typeof import('onnxruntime-node');
export type Sharp = typeof import('sharp').default;

export const ort: Ort = requireNative('onnxruntime-node');
export const sharp: Sharp = requireNative('sharp');
