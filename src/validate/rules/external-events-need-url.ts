import { defineInputRule } from './rule.js';

/** Events from an external NATS server need its URL. */
export const externalEventsNeedUrl = defineInputRule(
  {
    'events-nats-url': { severity: 'error', summary: 'external events need `events.nats.url`' },
  },
  ({ site, file }, { error }) =>
    site.events?.enabled === true && site.events.nats?.mode === 'external' && site.events.nats.url === undefined
      ? [error('events-nats-url', file, ['events', 'nats', 'mode'], 'events.nats.mode is external, but events.nats.url is not set')]
      : [],
);
