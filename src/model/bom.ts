import { COMPOSE_IMAGES, imageReference, serviceChart, THIRD_PARTY, type ImageRef } from './catalog.js';
import { Defaults } from './defaults.js';
import { composeBundled } from './compose-stack.js';
import type { SiteModel } from './site-model.js';
import { compareStrings } from '../util/compare.js';

/** Where an artefact is used: the Helm release, the compose stack, its development overrides (docker-compose.dev.yml). */
export type Consumer = 'helm' | 'compose' | 'compose-dev';

export interface BomImage {
  /** The reference as the cluster or compose pulls it: `registry/repository:tag`. */
  readonly image: string;
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  /** `sha256:…` when the site pins the image by content (then `image` is `…@<digest>`). */
  readonly digest?: string;
  /** Where it is published when the site pulls it from elsewhere (a mirror): what to copy from. */
  readonly source?: string;
  readonly usedBy: readonly Consumer[];
}

export interface BomChart {
  readonly name: string;
  readonly version: string;
  /** The repository the umbrella chart names (helm dependency build pulls every dependency, enabled or not). */
  readonly repository: string;
  /** Where it is published when the site's repository is not: `<repository> <name> <version>`. */
  readonly source?: string;
}

export interface MirrorStep {
  readonly kind: 'image' | 'chart';
  readonly from: string;
  readonly to: string;
}

/** The version of the bill of materials' shape; it changes with any change of its fields. */
export const BOM_FORMAT_VERSION = 1;

export interface BillOfMaterials {
  readonly formatVersion: typeof BOM_FORMAT_VERSION;
  readonly site: string;
  readonly release: string;
  readonly charts: readonly BomChart[];
  readonly images: readonly BomImage[];
  /** What to copy into the site's registries before a deploy: `crane copy <from> <to>`, `helm pull` then `helm push`. */
  readonly mirror: readonly MirrorStep[];
}

const ref = imageReference;

/**
 * Every chart and image a site's release and compose stack pull, derived from the same model the
 * emitters write (a test renders the release and runs compose config, and compares): the umbrella's
 * dependencies, the images of the enabled services, and those of the bundled database and NATS that
 * their charts render with the values the compiler sets. A third-party image pulled through the
 * site's mirror names its docker.io source; a Chamicore image or chart the site pulls from a
 * registry of its own names the published one. Pure; sorted, so the file is deterministic.
 */
export function billOfMaterials(model: SiteModel): BillOfMaterials {
  const images = new Map<string, { image: ImageRef; source: string | undefined; usedBy: Set<Consumer> }>();
  const add = (image: ImageRef, source: ImageRef | undefined, by: Consumer): void => {
    const key = ref(image);
    const entry = images.get(key) ?? {
      image,
      source: source !== undefined && ref(source) !== key ? ref(source) : undefined,
      usedBy: new Set(),
    };
    entry.usedBy.add(by);
    images.set(key, entry);
  };
  const published = (i: ImageRef): ImageRef => ({ ...i, registry: Defaults.registry });
  const thirdParty = (chart: keyof typeof THIRD_PARTY, path: string, used: ImageRef): void => {
    const upstream = (THIRD_PARTY[chart].images as Readonly<Record<string, ImageRef>>)[path];
    add(
      used,
      upstream !== undefined && used.repository === upstream.repository ? { ...used, registry: upstream.registry } : undefined,
      'helm',
    );
  };
  const bundledDatabase = model.database.mode === 'bundled';
  const bundledNats = model.events.enabled && model.events.mode === 'bundled';
  for (const consumer of ['helm', 'compose'] as const) {
    if (!model.targets[consumer]) continue;
    for (const s of model.services.filter((x) => x.enabled)) add(s.image, published(s.image), consumer);
  }
  if (model.targets.helm) {
    if (bundledDatabase) {
      thirdParty('postgresql', 'image', model.database.images['image']!);
      // The exporter a site may turn on through database.values (metrics.enabled).
      if ((model.database.values as { metrics?: { enabled?: unknown } }).metrics?.enabled === true)
        thirdParty('postgresql', 'metrics.image', model.database.images['metrics.image']!);
    }
    if (bundledNats) {
      // The server and its config reloader; the compiler turns nats-box off, and no site may turn on the exporter.
      thirdParty('nats', 'container.image', model.events.images['container.image']!);
      thirdParty('nats', 'reloader.image', model.events.images['reloader.image']!);
    }
  }
  if (model.targets.compose) {
    const mirrored = (i: ImageRef): ImageRef => ({ ...i, registry: model.images.mirror ?? i.registry });
    if (bundledDatabase) add(mirrored(COMPOSE_IMAGES.postgres), COMPOSE_IMAGES.postgres, 'compose');
    if (composeBundled(model).otelCollector) add(mirrored(COMPOSE_IMAGES.otelCollector), COMPOSE_IMAGES.otelCollector, 'compose');
    // The overrides run the listed (enabled) services from source in the Go image.
    if (model.composeDev?.services.some((d) => model.services.find((s) => s.id === d.id)?.enabled === true) === true)
      add(mirrored(COMPOSE_IMAGES.go), COMPOSE_IMAGES.go, 'compose-dev');
    if (bundledNats) {
      const override = model.events.images['container.image'];
      add(override ?? mirrored(COMPOSE_IMAGES.nats), override === undefined ? COMPOSE_IMAGES.nats : undefined, 'compose');
    }
  }

  const charts: BomChart[] = [];
  if (model.targets.helm) {
    for (const s of model.services) {
      const version = serviceChart(s.info.chart).version;
      const repository = model.release.chartRepository;
      charts.push({
        name: s.info.chart,
        version,
        repository,
        ...(repository !== Defaults.chartRepository ? { source: `${Defaults.chartRepository} ${s.info.chart} ${version}` } : {}),
      });
    }
    const third = (name: keyof typeof THIRD_PARTY, pin: { version: string; repository: string }): void => {
      const upstream = THIRD_PARTY[name].chart.repository;
      charts.push({
        name,
        version: pin.version,
        repository: pin.repository,
        ...(pin.repository !== upstream ? { source: `${upstream} ${name} ${pin.version}` } : {}),
      });
    };
    if (bundledDatabase) third('postgresql', model.release.postgresqlChart);
    if (bundledNats) third('nats', model.release.natsChart);
  }

  const imageList: BomImage[] = [...images.values()]
    .map((e) => ({
      image: ref(e.image),
      registry: e.image.registry,
      repository: e.image.repository,
      tag: e.image.tag,
      ...(e.image.digest !== undefined ? { digest: e.image.digest } : {}),
      ...(e.source !== undefined ? { source: e.source } : {}),
      usedBy: (['helm', 'compose', 'compose-dev'] as const).filter((c) => e.usedBy.has(c)),
    }))
    .sort((a, b) => compareStrings(a.image, b.image));
  charts.sort((a, b) => compareStrings(a.name, b.name));
  const mirror: MirrorStep[] = [
    ...charts.flatMap((c) => (c.source !== undefined ? [{ kind: 'chart' as const, from: c.source, to: c.repository }] : [])),
    ...imageList.flatMap((i) => (i.source !== undefined ? [{ kind: 'image' as const, from: i.source, to: i.image }] : [])),
  ];
  return { formatVersion: BOM_FORMAT_VERSION, site: model.name, release: model.release.version, charts, images: imageList, mirror };
}
