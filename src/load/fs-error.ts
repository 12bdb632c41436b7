/**
 * The error code of a failed file-system call (`ENOENT`, `EACCES`, …), or undefined for anything
 * else. Only these become a usage error (exit 2); any other exception is a bug and stays an
 * internal error (exit 70).
 */
export function fsErrorCode(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}
