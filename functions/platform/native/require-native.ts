import { createRequire } from 'node:module';

/**
 * onnxruntime-node and sharp ship native binaries and, in AWS, live in Lambda layers under /opt/nodejs. Lambda
 * puts that folder on NODE_PATH, which ESM `import` ignores and CommonJS `require` honours, so the bundled ESM
 * handlers load them through `require`. Locally the same call resolves them from node_modules. Each package has
 * its own module so a function bundles (and needs a layer for) only the one it uses.
 */
export const requireNative = createRequire(import.meta.url);
