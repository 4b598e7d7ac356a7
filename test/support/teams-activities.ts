/** Activity JSON shaped as Teams sends it (reference/teams.md §7), pointed at a fake connector. */
import { randomUUID } from 'node:crypto';

export const TENANT_ID = 'b28fdbfd-2b78-4f93-b0f8-8881793f0f8f';
export const BOT = { id: '28:00000000-0000-0000-0000-0000000000bb', name: 'Shiftlead' };
export const ANA = { id: '29:1ana-teams-user-id', name: 'Ana Lima', aadObjectId: '6f1c2b7e-3a44-4c1e-9d2a-1b2c3d4e5f60' };
export const BEN = { id: '29:1ben-teams-user-id', name: 'Ben Okafor', aadObjectId: '2b8e5c1d-7f60-4a3b-9c1e-0d4f5a6b7c80' };
export const CARO = { id: '29:1caro-teams-user-id', name: 'Carolina Díaz', aadObjectId: '9d3a4b5c-6e7f-4081-92a3-b4c5d6e7f809' };
export const SUPPORT = '19:support@thread.tacv2';
export const GENERAL = '19:general@thread.tacv2';
export const TEAM = '19:team-general@thread.tacv2';

type User = typeof ANA;

function base(serviceUrl: string, from: User, conversation: Record<string, unknown>, channelData: Record<string, unknown>) {
  return {
    id: `f:${randomUUID()}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    locale: 'en-US',
    from,
    recipient: BOT,
    conversation: { tenantId: TENANT_ID, ...conversation },
    channelData: { tenant: { id: TENANT_ID }, ...channelData },
  };
}

const channelData = (channel = GENERAL) => ({ teamsChannelId: channel, teamsTeamId: TEAM, channel: { id: channel }, team: { id: TEAM } });

/** "@Shiftlead <text>" in a channel: a new thread. */
export function channelMention(serviceUrl: string, from: User, text: string, channel = GENERAL) {
  const id = String(Date.now());
  return {
    ...base(serviceUrl, from, { isGroup: true, conversationType: 'channel', id: `${channel};messageid=${id}` }, channelData(channel)),
    type: 'message',
    id,
    text: `<at>Shiftlead</at> ${text}\n`,
    textFormat: 'plain',
    entities: [{ type: 'mention', text: '<at>Shiftlead</at>', mentioned: BOT }],
  };
}

/** "@Shiftlead <command> @Person <rest>" in a channel: Teams sends the person as a second mention entity. */
export function channelMentionOf(serviceUrl: string, from: User, command: string, person: User, rest: string, channel = GENERAL) {
  const activity = channelMention(serviceUrl, from, `${command} <at>${person.name}</at> ${rest}`, channel);
  return { ...activity, entities: [...activity.entities, { type: 'mention', text: `<at>${person.name}</at>`, mentioned: { id: person.id, name: person.name } }] };
}

/** A message in the 1:1 chat with the bot. */
export function personalMessage(serviceUrl: string, from: User, text: string) {
  return { ...base(serviceUrl, from, { conversationType: 'personal', id: `a:1personal-${from.aadObjectId}` }, {}), type: 'message', text };
}

/** The bot added to a team (conversationUpdate, membersAdded). */
export function botAddedToTeam(serviceUrl: string, from: User) {
  return {
    ...base(serviceUrl, from, { isGroup: true, conversationType: 'channel', id: TEAM, name: 'General' }, { team: { id: TEAM, name: 'Support team', aadGroupId: randomUUID() }, eventType: 'teamMemberAdded', settings: { selectedChannel: { id: TEAM } } }),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }],
  };
}

/** The app installed for a user (personal scope). */
export function installedForUser(serviceUrl: string, from: User) {
  return { ...base(serviceUrl, from, { conversationType: 'personal', id: `a:1personal-${from.aadObjectId}` }, {}), type: 'installationUpdate', action: 'add' };
}

export function invoke(serviceUrl: string, from: User, name: string, value: unknown, conversation: Record<string, unknown> = { isGroup: true, conversationType: 'channel', id: GENERAL }, data: Record<string, unknown> = channelData()) {
  return { ...base(serviceUrl, from, conversation, data), type: 'invoke', name, value };
}

/** A card button (Action.Execute) pressed on a message in a thread. */
export function cardAction(serviceUrl: string, from: User, verb: string, data: Record<string, unknown>, card: { conversation: string; id: string }) {
  return { ...invoke(serviceUrl, from, 'adaptiveCard/action', { action: { type: 'Action.Execute', id: randomUUID(), verb, data }, trigger: 'manual' }, { isGroup: true, conversationType: 'channel', id: card.conversation }), replyToId: card.id };
}
