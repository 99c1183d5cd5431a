import { signal } from '@preact/signals';
import { api } from './api';
import type { Model } from './types';

/** The registry as the key may read it, loaded once per key and refreshed on demand. */
export const models = signal<Model[] | undefined>(undefined);
export const modelsError = signal<unknown>(undefined);

export async function loadModels(): Promise<void> {
  modelsError.value = undefined;
  try {
    models.value = (await api<{ models: Model[] }>('v1/models')).models;
  } catch (error) {
    models.value = undefined;
    modelsError.value = error;
  }
}

/** The version a plain prediction would get: what the registry says it serves, else the newest. */
export function servedVersion(model: Model) {
  const version = model.servedVersion ?? model.latestVersion;
  return model.versions.find((v) => v.version === version) ?? model.versions.at(-1);
}
