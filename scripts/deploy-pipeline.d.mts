export function siteNames(folder: string): string[];
export function deployPipeline(names: readonly string[]): string;
