import { nativeThreads } from './lambda-cpu';
import { requireNative } from './require-native';

export type Sharp = typeof import('sharp').default;
export const sharp: Sharp = requireNative('sharp');

// libvips sizes its thread pool from the host's cores; in Lambda, from the function's vCPUs (see lambda-cpu.ts).
const threads = nativeThreads();
if (threads !== undefined) sharp.concurrency(threads);
