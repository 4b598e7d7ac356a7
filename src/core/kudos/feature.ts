/** The kudos feature: `/kudos <person> <what for>` on every platform. */
import type { Feature } from '../feature.js';
import { KUDOS_DM_TIMER, KUDOS_USAGE, type KudosService } from './service.js';

export function kudosFeature(kudos: KudosService): Feature {
  return {
    name: 'kudos',
    commands: [{ names: ['kudos'], usage: KUDOS_USAGE, run: (actor, text) => kudos.give(actor, text) }],
    timers: [{ kind: KUDOS_DM_TIMER, fire: (p) => kudos.deliverHeld(p) }],
  };
}
