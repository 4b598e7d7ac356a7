/** Teams tenants: `teams-<Microsoft 365 tenant id>`. */
import type { Activity } from 'botbuilder';

export function teamsTenantId(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return activity.conversation?.tenantId ?? fromChannelData;
}

export function teamsTenant(tenantId: string | undefined): string {
  const id = (tenantId ?? 'unknown').toLowerCase();
  if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`invalid Teams tenant id ${JSON.stringify(tenantId)}`);
  return `teams-${id}`;
}
