// A serverless plugin for stages without Lambda layers (LocalStack Community has none): when `custom.natives`
// (the stage's param `natives`) is `bundled`, each function ships the folders of the layers it names inside its own zip, finds the
// native packages there through NODE_PATH (functions/platform/native/require-native.ts loads them with require),
// and no layer is created. Other stages are left untouched, so AWS keeps its layers.
// CommonJS because osls `require()`s local plugins.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const TASK_ROOT = '/var/task';

class BundleNatives {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:createDeploymentArtifacts': () => this.bundle() };
  }

  bundle() {
    const service = this.serverless.service;
    const naming = this.serverless.getProvider('aws').naming;
    if (service.custom?.natives !== 'bundled') return;
    const layerPaths = Object.fromEntries(
      Object.entries(service.layers ?? {}).map(([name, layer]) => [naming.getLambdaLayerLogicalId(name), layer.path]),
    );
    for (const fn of Object.values(service.functions ?? {})) {
      const paths = (fn.layers ?? []).map((ref) => {
        const path = layerPaths[ref?.Ref];
        if (!path) throw new Error(`bundle-natives: layer ${JSON.stringify(ref)} is not one of this service's layers`);
        return path;
      });
      fn.package = { ...fn.package, patterns: [...(fn.package?.patterns ?? []), ...paths.map((path) => `${path}/**`)] };
      // Lambda layers put <layer>/nodejs/node_modules on NODE_PATH; inside the zip they sit under /var/task.
      const nodePath = paths
        .filter((path) => existsSync(join(this.serverless.serviceDir, path, 'nodejs', 'node_modules')))
        .map((path) => `${TASK_ROOT}/${path}/nodejs/node_modules`)
        .join(':');
      if (nodePath) fn.environment = { ...fn.environment, NODE_PATH: nodePath };
      delete fn.layers;
    }
    service.layers = {};
  }
}

module.exports = BundleNatives;
