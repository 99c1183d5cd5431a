import { requireNative } from './require-native';

export type Sharp = typeof import('sharp').default;
export const sharp: Sharp = requireNative('sharp');
