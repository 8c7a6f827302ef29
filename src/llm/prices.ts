/**
 * Prices per million tokens (USD), for cost estimates and the --max-cost guard. The table is a
 * starting point: prices change, so a JSON file given with --prices overrides or extends it.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InvalidInputError } from '../model/index.js';

export const PriceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  /** Batch API rates (--batch); left out, they are BATCH_DISCOUNT of the rates above. */
  batchInput: z.number().nonnegative().optional(),
  batchOutput: z.number().nonnegative().optional(),
});
export type Price = z.infer<typeof PriceSchema>;
export const PriceTableSchema = z.record(z.string(), PriceSchema);
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** USD per 1M tokens, as listed by the providers when this table was written. */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
};

export async function loadPrices(file: string | undefined): Promise<PriceTable> {
  if (!file) return DEFAULT_PRICES;
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    throw new InvalidInputError(`--prices: cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  const parsed = PriceTableSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInputError(
      `--prices: ${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'} (expected {"model": {"input": USD/1M, "output": USD/1M, "batchInput"?: USD/1M, "batchOutput"?: USD/1M}})`,
    );
  }
  return { ...DEFAULT_PRICES, ...parsed.data };
}

/** A model's price; dated names ("gpt-4o-2024-08-06") fall back to their base name. */
export function priceOf(prices: PriceTable, model: string): Price | undefined {
  if (prices[model]) return prices[model];
  const base = Object.keys(prices)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return base ? prices[base] : undefined;
}

/** What the Batch API charges relative to live requests when a price gives no batch rates. */
export const BATCH_DISCOUNT = 0.5;

/** A model's Batch API price: its own batch rates, or the live rates times BATCH_DISCOUNT. */
export function batchPriceOf(prices: PriceTable, model: string): Price | undefined {
  const live = priceOf(prices, model);
  if (!live) return undefined;
  return {
    input: live.batchInput ?? live.input * BATCH_DISCOUNT,
    output: live.batchOutput ?? live.output * BATCH_DISCOUNT,
  };
}

export function costOf(price: Price | undefined, promptTokens: number, completionTokens: number): number {
  if (!price) return 0;
  return (promptTokens * price.input + completionTokens * price.output) / 1e6;
}
