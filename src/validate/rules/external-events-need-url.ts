import { error } from '../../report/diagnostic.js';
import type { Rule } from './rule.js';

/** Events from an external NATS server need its URL. */
export const externalEventsNeedUrl: Rule = ({ site, file }) =>
  site.events?.enabled === true && site.events.nats?.mode === 'external' && site.events.nats.url === undefined
    ? [error('events-nats-url', file, ['events', 'nats', 'mode'], 'events.nats.mode is external, but events.nats.url is not set')]
    : [];
