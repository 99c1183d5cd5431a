/**
 * The functions validate with zod/mini, not classic zod: the same checks and JSON Schemas, but classic zod
 * attaches every method to every schema and cannot be tree-shaken, so its 460 KiB cost each cold start about
 * 30 ms more to import (docs/benchmarks.md). Mini carries no messages of its own: each module that declares
 * schemas imports this one, which sets the English messages once.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
