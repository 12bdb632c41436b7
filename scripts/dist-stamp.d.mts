/** Types of scripts/dist-stamp.mjs, for the test setup that imports it. */
export function sourceHash(root?: string): string;
export function builtHash(root?: string): string | undefined;
export function writeStamp(root?: string): void;
