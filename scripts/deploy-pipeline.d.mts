export function siteNames(folder: string): string[];
export function siteEnvironments(folder: string): Promise<Map<string, { deployment_tier: string; url?: string }>>;
export function deployPipeline(
  names: readonly string[],
  environments?: ReadonlyMap<string, { deployment_tier: string; url?: string }>,
): string;
