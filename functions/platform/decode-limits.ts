// Kept apart from the decoders so configuration can read the defaults without loading sharp.

/** Enforced before and during decoding, from configuration: a hostile picture costs at most this much. */
export interface DecodeLimits {
  maxPixels: number;
  maxDecodeSeconds: number;
}

/** The limits when configuration says nothing: 40 megapixels, 5 seconds. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxPixels: 40_000_000, maxDecodeSeconds: 5 };
