/**
 * The Redis key layout, in one place. Every record key is namespaced by prefix and tenant, and
 * carries the tenant as a hash tag (`{slack-T0123}`) so that one tenant's keys share a Redis
 * Cluster slot and multi-key scripts stay atomic there.
 *
 *   <p>:{<tenant>}:esc:seq                 string  last escalation number (INCR)
 *   <p>:{<tenant>}:esc:records             hash    ESC-n → escalation JSON
 *   <p>:{<tenant>}:esc:versions            hash    ESC-n → version (compare-and-set)
 *   <p>:{<tenant>}:esc:open                zset    ESC-n → created at (ms), open records only
 *   <p>:{<tenant>}:esc:all                 zset    ESC-n → created at (ms), every record (history and search)
 *   <p>:{<tenant>}:esc:sources             hash    source message key → ESC-n (one record per message)
 *   <p>:{<tenant>}:esc:dirty               zset    ESC-n → changed at (ms), until its effects are queued
 *   <p>:{<tenant>}:audit                   stream  actor, at, type, subject, from, to (capped ~100k)
 *   <p>:{<tenant>}:out:refs                hash    message key → MessageRef JSON (where a message was delivered)
 *   <p>:{<tenant>}:out:versions            hash    message key → last version delivered by an update
 *   <p>:{<tenant>}:out:sent:<key>          string  idempotency marker of a delivered outbox job: '1', or where a saved message landed (7 days)
 *   <p>:{<tenant>}:out:try:<key>           string  when the last attempt of an outbox job went to the platform (ms, 1 day)
 *   <p>:{<tenant>}:out:failed              hash    idempotency key → failure JSON (permanent failures)
 *   <p>:{<tenant>}:out:wait:<message key>  set     outbox job ids waiting for that message to be delivered
 *   <p>:{<tenant>}:pace-tenant             hash    tenant-wide buckets: g<j> (next send time, ms), blocked (ms)
 *   <p>:{<tenant>}:pace-tenant-held        zset    interactive delivery key → reserved send time (ms)
 *   <p>:{<tenant>}:pace-tenant-bulk        zset    bulk delivery key → reserved send time (ms)
 *   <p>:{<tenant>}:pace:<conversation>     hash    per-conversation buckets, as pace-tenant
 *   <p>:{<tenant>}:pace-held:<conversation> zset   per-conversation reservations, as pace-tenant-held
 *   <p>:{<tenant>}:pace-bulk:<conversation> zset   per-conversation reservations, as pace-tenant-bulk
 *   <p>:{<tenant>}:draft:<id>              string  form draft (prefill too large for the platform), 1 h
 *   <p>:{<tenant>}:req:<request>           string  a platform request that ran (form, command, click), SET NX, 15 min
 *   <p>:{<tenant>}:teams:refs              hash    Teams conversation references by scope key
 *   <p>:{<tenant>}:poll:seq                string  last poll number (INCR)
 *   <p>:{<tenant>}:poll:<id>               hash    record JSON, status, closesAt, options, anonymous, salt (anonymous, until close), refreshWindow, lastRefresh, closedAt, closedBy, settled
 *   <p>:{<tenant>}:poll:<id>:votes         hash    voter → option (anonymous polls: keyed hash of the voter; deleted at close)
 *   <p>:{<tenant>}:poll:<id>:counts        hash    option → votes
 *   <p>:{<tenant>}:polls:open              zset    poll id → closes at (ms)
 *   <p>:{<tenant>}:polls:unsettled         zset    poll id → closed at (ms), until its final effects are queued
 *   <p>:{<tenant>}:console:seq             string  the console's last message number (m1, m2, … unique per Redis)
 *   <p>:{<tenant>}:console:msgs            hash    console message id → its buttons and conversation (JSON)
 *   <p>:{<tenant>}:console:handles         hash    button value (e.g. ESC-3) → ids of messages whose buttons carry it (JSON)
 *   <p>:tenants                            set     tenants that have escalations (for the reconciler)
 *   <p>:{org}:…                            the organization's records (cover requests, handoffs, shift
 *                                          overrides) and its audit stream: see src/store/org-records.ts
 *   <p>:{org}:shift-overrides              hash    <shift>/<date> → JSON list of who works that occurrence
 *   <p>:{org}:kudos:seq                    string  last kudos number (INCR; K-n)
 *   <p>:{org}:kudos:given:<person>:<date>  string  kudos a person gave on their local date (3 days)
 *   <p>:{org}:kudos:dup:<person>:<hash>    string  "<ms>|K-n": the last kudos with that receiver and text (a repeat within a minute is the same one)
 *   <p>:{org}:kudos:received:<person>      zset    K-n → given at (ms), kept 400 days (counts per week)
 *   <p>:{org}:nudges, suggestions          coaching records (OrgRecords): nudges by sender, suggestions by person
 *   <p>:{org}:coach:sent:<person>          zset    nudge id → when it went out to that person (ms)
 *   <p>:{org}:coach:held                   zset    nudge id → when it is due (ms), while held
 *   <p>:{org}:coach:signals                hash    signal key → what became of it (suggestion id, folded, skipped)
 *   <p>:{org}:coach:caps:<person>          zset    suggestion id → when it was made (ms), corrective ones only
 *   <p>:{org}:coach:folded:<person>        zset    signal JSON {rule, at, detail} → when it happened (ms)
 *   <p>:{org}:coach:optout                 hash    person id → when they opted out of suggested nudges
 *   <p>:seen-tenants:<platform>            zset    tenant → last seen (ms): the organization's tenant on a platform
 *   <p>:poll-tenants                       set     tenants that have polls (for upkeep)
 *   <p>:slack:installs                     hash    Slack installation key → installation JSON
 *   <p>:slack:lock:<installation>          string  token-rotation lock (SET NX PX)
 *   <p>:evt:<platform>:<event id>          string  inbound event de-duplication (SET NX EX)
 *   <p>:{pulse}:round:<round>              hash    round info JSON, status, closesAt, closedAt, key (the round's marker key, until close)
 *   <p>:{pulse}:round:<round>:markers      hash    one-way marker (HMAC of a person under the round key) → answer JSON; deleted at close
 *   <p>:{pulse}:round:<round>:answers      list    a closed round's answers, sorted by content (no marker, name, time or order)
 *   <p>:{pulse}:open                       zset    round → closes at (ms)
 *   <p>:{pulse}:unsettled                  zset    round → closed at (ms), until its results are queued
 *   <p>:{pulse}:closed:<pulse>             zset    round → closed at (ms), per pulse
 *   <p>:{sched}:index                      hash    occurrence id → {"at": ms} (what the schedule engine planned)
 *   <p>:{sched}:plan                       string  the configuration stamp the plan was made from
 *   <p>:{sched}:fresh                      string  set for 10 min after a plan (periodic passes skip)
 *   <p>:{sched}:lock                       string  one reconcile at a time (SET NX PX)
 *   <p>:{sched}:done:<occurrence id>       string  an occurrence that fired (8 days)
 *
 * The organization's metrics share the `{metrics}` hash tag (one slot: a batch is one MULTI):
 *
 *   <p>:{metrics}:day:<department>:<date>  hash    "<metric>|<source>" → {"v", "n"?, "at"} (department `_team`: the whole team)
 *   <p>:{metrics}:lease:<name>             string  a lease one process holds for a while (own numbers fresh, backfill done)
 *   <p>:{metrics}:conn:<source>            string  a connector's state JSON (cursor, phase, version)
 *   <p>:{metrics}:conn:<source>:lock       string  one sync step at a time (SET NX PX)
 *   <p>:{metrics}:fact:<source>:<set>:<id>  string where a connector's fact (a ticket, a rating) counts: {"date", "department"} (400 days)
 *   <p>:{metrics}:facts:<source>:<set>:<department>:<date>  hash  fact id → value, aggregated into that day's value (400 days)
 *   <p>:{metrics}:undeliverable            hash    briefing delivery key → when the managers were told
 *   <p>:{metrics}:export:<id>              string  an export's CSV files (JSON), for a download link (1 day)
 *   <p>:{metrics}:export-secret            string  the key that signs download links
 *   <p>:{metrics}:home:viewers             hash    "<platform>|<tenant>|<user>" → hash of the Home page last published
 *
 * Readiness (`/readyz`) writes one short-lived key into each of the shared hash tags above, so a
 * write refused anywhere they live (MOVED, READONLY, OOM, CLUSTERDOWN) makes the process unready:
 *
 *   <p>:{org}:ready, <p>:{sched}:ready, <p>:{metrics}:ready, <p>:{pulse}:ready   string  "1", 10 s
 *
 * BullMQ keeps its own keys under `<p>-bull:{<queue>}:…` (one hash tag per queue).
 */

export type TenantKeys = ReturnType<typeof tenantKeys>;

export function tenantKeys(prefix: string, tenant: string) {
  if (!/^[A-Za-z0-9._-]+$/.test(tenant)) throw new Error(`invalid tenant id ${JSON.stringify(tenant)}`);
  const base = `${prefix}:{${tenant}}`;
  return {
    escSeq: `${base}:esc:seq`,
    escRecords: `${base}:esc:records`,
    escVersions: `${base}:esc:versions`,
    escOpen: `${base}:esc:open`,
    escAll: `${base}:esc:all`,
    escSources: `${base}:esc:sources`,
    escDirty: `${base}:esc:dirty`,
    audit: `${base}:audit`,
    outRefs: `${base}:out:refs`,
    outVersions: `${base}:out:versions`,
    outSent: (key: string) => `${base}:out:sent:${key}`,
    outTried: (key: string) => `${base}:out:try:${key}`,
    outFailed: `${base}:out:failed`,
    outWaiting: (messageKey: string) => `${base}:out:wait:${messageKey}`,
    paceTenant: `${base}:pace-tenant`,
    paceTenantHeld: `${base}:pace-tenant-held`,
    paceTenantBulk: `${base}:pace-tenant-bulk`,
    paceConversation: (conversation: string) => `${base}:pace:${conversation}`,
    paceConversationHeld: (conversation: string) => `${base}:pace-held:${conversation}`,
    paceConversationBulk: (conversation: string) => `${base}:pace-bulk:${conversation}`,
    draft: (id: string) => `${base}:draft:${id}`,
    request: (request: string) => `${base}:req:${request}`,
    teamsRefs: `${base}:teams:refs`,
    pollSeq: `${base}:poll:seq`,
    poll: (id: string) => `${base}:poll:${id}`,
    pollVotes: (id: string) => `${base}:poll:${id}:votes`,
    pollCounts: (id: string) => `${base}:poll:${id}:counts`,
    pollsOpen: `${base}:polls:open`,
    pollsUnsettled: `${base}:polls:unsettled`,
    consoleSeq: `${base}:console:seq`,
    consoleMessages: `${base}:console:msgs`,
    consoleHandles: `${base}:console:handles`,
  };
}

/** Keys of the organization's own records (src/store/org-records.ts), under one hash tag. */
export function orgKeys(prefix: string) {
  const base = `${prefix}:{org}`;
  return {
    records: (collection: string) => `${base}:${collection}`,
    audit: `${base}:audit`,
    overrides: `${base}:shift-overrides`,
    kudosSeq: `${base}:kudos:seq`,
    kudosGiven: (person: string, date: string) => `${base}:kudos:given:${person}:${date}`,
    kudosDuplicate: (person: string, hash: string) => `${base}:kudos:dup:${person}:${hash}`,
    kudosReceived: (person: string) => `${base}:kudos:received:${person}`,
  };
}

/** Keys of the coaching feature's own indexes (src/store/coaching.ts), beside the organization's records. */
export function coachingKeys(prefix: string, scope = 'org') {
  if (!/^[A-Za-z0-9._-]+$/.test(scope)) throw new Error(`invalid scope ${JSON.stringify(scope)}`);
  const base = `${prefix}:{${scope}}:coach`;
  return {
    sent: (person: string) => `${base}:sent:${person}`,
    held: `${base}:held`,
    signals: `${base}:signals`,
    caps: (person: string) => `${base}:caps:${person}`,
    folded: (person: string) => `${base}:folded:${person}`,
    optOut: `${base}:optout`,
  };
}

export function globalKeys(prefix: string) {
  return {
    tenants: `${prefix}:tenants`,
    pollTenants: `${prefix}:poll-tenants`,
    seenTenants: (platform: string) => `${prefix}:seen-tenants:${platform}`,
    slackInstalls: `${prefix}:slack:installs`,
    slackLock: (installation: string) => `${prefix}:slack:lock:${installation}`,
    event: (platform: string, id: string) => `${prefix}:evt:${platform}:${id}`,
    pulseRound: (round: string) => `${prefix}:{pulse}:round:${round}`,
    pulseMarkers: (round: string) => `${prefix}:{pulse}:round:${round}:markers`,
    pulseAnswers: (round: string) => `${prefix}:{pulse}:round:${round}:answers`,
    pulseOpen: `${prefix}:{pulse}:open`,
    pulseUnsettled: `${prefix}:{pulse}:unsettled`,
    pulseClosed: (pulse: string) => `${prefix}:{pulse}:closed:${pulse}`,
    scheduleIndex: `${prefix}:{sched}:index`,
    schedulePlan: `${prefix}:{sched}:plan`,
    scheduleFresh: `${prefix}:{sched}:fresh`,
    scheduleLock: `${prefix}:{sched}:lock`,
    scheduleDone: (occurrence: string) => `${prefix}:{sched}:done:${occurrence}`,
  };
}

export function metricsKeys(prefix: string) {
  const base = `${prefix}:{metrics}`;
  return {
    day: (department: string, date: string) => `${base}:day:${department}:${date}`,
    lease: (name: string) => `${base}:lease:${name}`,
    connector: (source: string) => `${base}:conn:${source}`,
    connectorLock: (source: string) => `${base}:conn:${source}:lock`,
    fact: (source: string, set: string, id: string) => `${base}:fact:${source}:${set}:${id}`,
    facts: (source: string, set: string, department: string, date: string) => `${base}:facts:${source}:${set}:${department}:${date}`,
    undeliverable: `${base}:undeliverable`,
    exportFiles: (id: string) => `${base}:export:${id}`,
    exportSecret: `${base}:export-secret`,
    homeViewers: `${base}:home:viewers`,
  };
}

/** The keys `/readyz` writes, one in each shared hash tag (see the layout above). */
export function readinessKeys(prefix: string): string[] {
  return ['org', 'sched', 'metrics', 'pulse'].map((tag) => `${prefix}:{${tag}}:ready`);
}

/** BullMQ's key prefix for a Shiftlead prefix. */
export function queuePrefix(prefix: string): string {
  return `${prefix}-bull`;
}
