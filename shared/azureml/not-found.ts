/** How the Azure SDK and the storage client report an HTTP answer that is not an error to us. */
const statusOf = (error: unknown) => (error as { statusCode?: number } | undefined)?.statusCode;

/** Azure answered 404: no such resource. */
export const isNotFound = (error: unknown) => statusOf(error) === 404;

/** Azure answered 409: another operation holds the resource, or the name is taken. */
export const isConflict = (error: unknown) => statusOf(error) === 409;

/** The call's answer, or `fallback` when Azure says 404 (there is no such resource); any other error propagates. */
export async function unlessNotFound<T, F = undefined>(call: () => Promise<T>, fallback?: F): Promise<T | F> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) return fallback as F;
    throw error;
  }
}
