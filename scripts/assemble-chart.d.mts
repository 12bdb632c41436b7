/** Builds the assembled umbrella chart at `into` from a compiled `siteChart` folder; returns where each dependency came from. */
export function assembleChart(options: { siteChart: string; into: string; chartsFrom?: string[]; helm?: string }): string[];
