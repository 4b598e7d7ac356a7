/**
 * What Shiftlead asks of Slack, in one place: the manifest (manifests/slack.yaml) and the OAuth
 * install use these, and a test checks that they agree.
 */
export const BOT_SCOPES = [
  'chat:write', // post cards, thread lines and DMs; chat.update; chat.postEphemeral
  'chat:write.public', // post in department channels without being invited first
  'commands', // the slash commands (SLASH_COMMANDS) and the shortcuts
  'reactions:read', // reaction_added, and reactions.get to read the reacted message
  'files:write', // /report export: files.getUploadURLExternal and files.completeUploadExternal into the person's DM
  'im:write', // conversations.open: the DM's channel id that completeUploadExternal needs (a user id is refused)
  // conversations.history / replies, only to find a post whose delivery was interrupted (src/jobs/outbox/lookup.ts)
  'channels:history',
  'groups:history',
  'im:history',
] as const;

export const BOT_EVENTS = ['app_home_opened', 'app_uninstalled', 'reaction_added', 'tokens_revoked'] as const;

export const SLASH_COMMANDS = ['/escalate', '/escalations', '/shift', '/handoff', '/shiftlead', '/poll', '/csat', '/pulse', '/briefing', '/report', '/home', '/kudos', '/nudge', '/nudges'] as const;

/** Shortcut callback ids. */
export const SHORTCUTS = { escalateMessage: 'escalate_message', newEscalation: 'new_escalation' } as const;
