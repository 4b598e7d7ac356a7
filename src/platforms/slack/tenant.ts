/** Slack tenants: a workspace (`slack-T…`), or an Enterprise Grid org for org-wide installs (`slack-E…`). */

export interface SlackTenantSource {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}

export function slackTenant(source: SlackTenantSource): string {
  const id = source.isEnterpriseInstall && source.enterpriseId ? source.enterpriseId : source.teamId ?? source.enterpriseId;
  if (!id || !/^[A-Z0-9]+$/.test(id)) throw new Error(`no Slack team or enterprise id in the request (${String(id)})`);
  return `slack-${id}`;
}

/** The tenant of any Slack payload (command, interaction or event envelope). */
export function tenantOfBody(body: Record<string, unknown>): string {
  const auth = Array.isArray(body['authorizations']) ? (body['authorizations'][0] as Record<string, unknown> | undefined) : undefined;
  const team = body['team'] as { id?: string; enterprise_id?: string } | null | undefined;
  const enterprise = body['enterprise'] as { id?: string } | null | undefined;
  const isEnterpriseInstall = body['is_enterprise_install'] === true || body['is_enterprise_install'] === 'true' || auth?.['is_enterprise_install'] === true;
  return slackTenant({
    teamId: (body['team_id'] as string | undefined) ?? team?.id ?? (auth?.['team_id'] as string | undefined) ?? undefined,
    enterpriseId: (body['enterprise_id'] as string | undefined) ?? enterprise?.id ?? team?.enterprise_id ?? (auth?.['enterprise_id'] as string | undefined) ?? undefined,
    isEnterpriseInstall,
  });
}
