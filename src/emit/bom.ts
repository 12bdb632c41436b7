import { billOfMaterials } from '../model/bom.js';
import { headerLines } from './header.js';
import { renderYamlFile, type Emitter } from './output.js';
import type { YamlValue } from './safe-yaml.js';

/**
 * `bom.yaml`: the site's bill of materials (src/model/bom.ts), every chart and image its release and
 * compose stack pull, and what to copy into its registries first (`mirror`). YAML like every other
 * output, so it carries the generated header and is read back under YAML 1.1 and 1.2; `yq -o json`
 * gives JSON.
 */
export const bomEmitter: Emitter = {
  kind: 'bom',
  applies: () => true,
  emit: ({ model }) => [
    renderYamlFile(
      'bom.yaml',
      headerLines(model, [
        'Bill of materials: every chart and image this site pulls; mirror lists what to copy first',
        '(images: crane copy <from> <to>; charts: helm pull <from>, then helm push to <to>).',
      ]),
      billOfMaterials(model) as unknown as YamlValue,
    ),
  ],
};
