import { setFlagsFromString } from 'node:v8';

/**
 * Between full collections V8 lets the old generation grow to about four times what is live. Reading
 * Parquet allocates large short-lived arrays (hyparquet's decoded pages, which go straight to the old
 * generation), so with pyarrow's 1 Mi-row groups the live heap stays near 70 MB while the peak RSS
 * passes 450 MB. Capping the growth at `percent` over the live heap keeps that peak near 270 MB for
 * a few percent more time (figures from bench/data-read.ts). Process-wide: a data task calls it once
 * when it starts; a library never should.
 */
export function limitHeapGrowth(percent = 50): void {
  if (!Number.isInteger(percent) || percent < 10 || percent > 400)
    throw new Error(`limitHeapGrowth: percent must be an integer from 10 to 400, not ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
