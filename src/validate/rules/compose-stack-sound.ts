import type { Diagnostic } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

/**
 * The development stack comes up as the site says, or the compiler says why not: the source overrides
 * of compose.dev belong to development sites only (they run code from a checkout, with a debugger);
 * a Delve port must not take a port the stack already publishes on 127.0.0.1, nor another Delve's;
 * and a container in a compose profile must not be one that a container starting without that profile
 * needs (compose would refuse the project, or start a service whose dependency never comes). NATS may
 * be in a profile: services fall back to polling, and their start order on it is not required.
 */
export const composeStackSound = defineRule(
  {
    'compose-dev-outside-dev': {
      severity: 'error',
      summary: 'compose.dev (services from a source checkout, Delve) on a site that is not a development site',
    },
    'compose-dev-port-conflict': {
      severity: 'error',
      summary: "a Delve debugPort of compose.dev is a port the stack already publishes, or another service's debugPort",
    },
    'compose-profile-needed': {
      severity: 'error',
      summary: 'a container in a compose profile is needed by a container that starts without that profile',
    },
  },
  ({ site, model, file }, { error }) => {
    if (!model.targets.compose) return [];
    const out: Diagnostic[] = [];
    const dev = site.compose?.dev;
    if (dev !== undefined && model.environment !== 'development')
      out.push(
        error(
          'compose-dev-outside-dev',
          file,
          ['compose', 'dev'],
          `compose.dev runs services from a source checkout under a debugger; it is for development sites, and this one is ${model.environment}`,
          { hint: 'remove compose.dev, or give the development stack a site of its own with site.environment: development' },
        ),
      );
    if (model.composeDev !== undefined) {
      const taken = new Map<number, string>();
      for (const s of model.services) if (s.enabled && s.info.port !== undefined) taken.set(s.info.port, `the port of ${s.id}`);
      for (const d of model.composeDev.services) {
        if (model.services.find((s) => s.id === d.id)?.enabled !== true) continue;
        const holder = taken.get(d.debugPort);
        const explicit = dev?.services[d.id]?.debugPort !== undefined;
        if (d.debug && holder !== undefined)
          out.push(
            error(
              'compose-dev-port-conflict',
              file,
              explicit ? ['compose', 'dev', 'services', d.id, 'debugPort'] : ['compose', 'dev', 'services', d.id, 'debug'],
              `Delve of ${d.id} would listen on 127.0.0.1:${String(d.debugPort)}, already ${holder}`,
              { hint: `set compose.dev.services.${d.id}.debugPort to a free port (1024–65535)` },
            ),
          );
        if (d.debug) taken.set(d.debugPort, `the debugPort of ${d.id}`);
      }
    }
    const profiles = model.composeProfiles;
    const enabled = model.services.filter((s) => s.enabled);
    for (const s of enabled) {
      const mine = profiles[s.info.composeService];
      for (const id of s.info.after) {
        const dep = enabled.find((e) => e.id === id);
        if (dep === undefined) continue;
        const theirs = profiles[dep.info.composeService];
        if (theirs !== undefined && theirs !== mine)
          out.push(
            error(
              'compose-profile-needed',
              file,
              ['compose', 'profiles', dep.info.composeService],
              `${dep.id} starts only with profile ${theirs}, but ${s.id} needs it and starts ${mine === undefined ? 'without a profile' : `with profile ${mine}`}`,
              { hint: `put ${s.id} in profile ${theirs} too, or take ${dep.id} out of compose.profiles` },
            ),
          );
      }
    }
    return out;
  },
);
