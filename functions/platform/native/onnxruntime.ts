import { requireNative } from './require-native';

export type Ort = typeof import('onnxruntime-node');
export const ort: Ort = requireNative('onnxruntime-node');
