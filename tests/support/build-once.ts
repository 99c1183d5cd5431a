import { buildLayers } from '../../layers/build';
import { buildFunctions } from '../../scripts/build/functions';

/**
 * The integration project's global setup: the function bundles (dist/) and the layers (layers/build/) are built
 * once, before any test file starts. The files then run side by side, each starting platforms and packaging
 * stages that only read them (their own `buildFunctions()` and `buildLayers()` calls find the stamps matching and
 * reuse the output); two files building at once would each delete the folder the other is filling.
 */
export default async function buildOnce(): Promise<void> {
  await buildFunctions();
  buildLayers();
}
