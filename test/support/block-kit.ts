/**
 * Checks Block Kit payloads against Slack's documented limits (reference/slack.md §1), written
 * independently of the renderer so that it can catch the renderer's mistakes.
 */
type Obj = Record<string, unknown>;

const TEXT_TYPES = new Set(['plain_text', 'mrkdwn']);

class Checker {
  readonly problems: string[] = [];
  total = 0;

  fail(path: string, what: string): void {
    this.problems.push(`${path}: ${what}`);
  }

  text(path: string, value: unknown, max: number, plainOnly = false): void {
    const t = value as Obj | undefined;
    if (!t || typeof t !== 'object') return this.fail(path, 'missing text object');
    if (!TEXT_TYPES.has(String(t['type'])) || (plainOnly && t['type'] !== 'plain_text')) this.fail(path, `text type ${String(t['type'])}`);
    const s = t['text'];
    if (typeof s !== 'string' || s.length < 1) return this.fail(path, 'empty text');
    if (s.length > max) this.fail(path, `text ${s.length} > ${max}`);
    this.total += s.length;
  }

  max(path: string, value: unknown, max: number): void {
    if (typeof value === 'string' && value.length > max) this.fail(path, `${value.length} > ${max}`);
  }

  element(path: string, e: Obj): void {
    const type = e['type'];
    this.max(`${path}.action_id`, e['action_id'], 255);
    if (e['placeholder']) this.text(`${path}.placeholder`, e['placeholder'], 150, true);
    switch (type) {
      case 'button':
        this.text(`${path}.text`, e['text'], 75, true);
        this.max(`${path}.value`, e['value'], 2000);
        this.max(`${path}.url`, e['url'], 3000);
        if (e['style'] !== undefined && e['style'] !== 'primary' && e['style'] !== 'danger') this.fail(path, 'bad style');
        break;
      case 'plain_text_input': {
        const max = e['max_length'];
        if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 3000)) this.fail(path, `max_length ${String(max)}`);
        const initial = e['initial_value'];
        if (typeof initial === 'string' && initial.length > (typeof max === 'number' ? max : 3000)) this.fail(path, 'initial_value longer than max_length');
        break;
      }
      case 'url_text_input':
      case 'users_select':
        break;
      case 'static_select': {
        const options = (e['options'] as Obj[] | undefined) ?? [];
        if (options.length < 1 || options.length > 100) this.fail(path, `${options.length} options`);
        options.forEach((o, i) => {
          this.text(`${path}.options[${i}].text`, o['text'], 75, true);
          this.max(`${path}.options[${i}].value`, o['value'], 150);
        });
        break;
      }
      default:
        this.fail(path, `unexpected element ${String(type)}`);
    }
  }

  block(path: string, b: Obj): void {
    this.max(`${path}.block_id`, b['block_id'], 255);
    switch (b['type']) {
      case 'header':
        this.text(`${path}.text`, b['text'], 150, true);
        break;
      case 'section': {
        const fields = (b['fields'] as Obj[] | undefined) ?? [];
        if (!b['text'] && fields.length === 0) this.fail(path, 'section without text or fields');
        if (b['text']) this.text(`${path}.text`, b['text'], 3000);
        if (fields.length > 10) this.fail(path, `${fields.length} fields`);
        fields.forEach((f, i) => this.text(`${path}.fields[${i}]`, f, 2000));
        break;
      }
      case 'context': {
        const elements = (b['elements'] as Obj[] | undefined) ?? [];
        if (elements.length < 1 || elements.length > 10) this.fail(path, `${elements.length} context elements`);
        elements.forEach((e, i) => this.text(`${path}.elements[${i}]`, e, 3000));
        break;
      }
      case 'actions': {
        const elements = (b['elements'] as Obj[] | undefined) ?? [];
        if (elements.length < 1 || elements.length > 25) this.fail(path, `${elements.length} action elements`);
        const ids = elements.map((e) => e['action_id']);
        if (new Set(ids).size !== ids.length) this.fail(path, 'duplicate action_id in one block');
        elements.forEach((e, i) => this.element(`${path}.elements[${i}]`, e));
        break;
      }
      case 'input':
        this.text(`${path}.label`, b['label'], 2000, true);
        if (b['hint']) this.text(`${path}.hint`, b['hint'], 2000, true);
        this.element(`${path}.element`, b['element'] as Obj);
        break;
      case 'divider':
        break;
      case 'data_visualization':
        this.chart(path, b);
        break;
      default:
        this.fail(path, `unexpected block ${String(b['type'])}`);
    }
  }

  /** The data_visualization line chart (docs.slack.dev block reference, and the validators that copy its rules). */
  chart(path: string, b: Obj): void {
    const title = b['title'];
    if (typeof title !== 'string' || title.length < 1 || title.length > 50) this.fail(`${path}.title`, `title must be 1-50 characters (${String(title).length})`);
    const chart = (b['chart'] ?? {}) as Obj;
    if (chart['type'] !== 'line') this.fail(`${path}.chart.type`, `expected line, got ${String(chart['type'])}`);
    const axis = (chart['axis_config'] ?? {}) as Obj;
    const categories = axis['categories'];
    if (!Array.isArray(categories) || categories.length < 1 || categories.length > 20) return this.fail(`${path}.chart.axis_config.categories`, 'needs 1-20 categories');
    categories.forEach((c, i) => {
      if (typeof c !== 'string' || c.length < 1 || c.length > 20) this.fail(`${path}.chart.axis_config.categories[${i}]`, `label must be 1-20 characters: ${String(c)}`);
    });
    if (new Set(categories).size !== categories.length) this.fail(`${path}.chart.axis_config.categories`, 'categories repeat');
    for (const label of ['x_label', 'y_label']) {
      const v = axis[label];
      if (v !== undefined && (typeof v !== 'string' || v.length < 1 || v.length > 50)) this.fail(`${path}.chart.axis_config.${label}`, 'must be 1-50 characters');
    }
    const series = chart['series'];
    if (!Array.isArray(series) || series.length < 1 || series.length > 6) return this.fail(`${path}.chart.series`, 'needs 1-6 series');
    const names = series.map((x) => (x as Obj)['name']);
    if (new Set(names).size !== names.length) this.fail(`${path}.chart.series`, 'series names repeat');
    series.forEach((raw, i) => {
      const x = raw as Obj;
      const name = x['name'];
      if (typeof name !== 'string' || name.length < 1 || name.length > 20) this.fail(`${path}.chart.series[${i}].name`, `name must be 1-20 characters: ${String(name)}`);
      const data = x['data'];
      if (!Array.isArray(data) || data.length < 1 || data.length > 20) return this.fail(`${path}.chart.series[${i}].data`, 'needs 1-20 points');
      const labels = data.map((d) => (d as Obj)['label']);
      if (labels.length !== categories.length || categories.some((c) => labels.filter((l) => l === c).length !== 1)) this.fail(`${path}.chart.series[${i}].data`, 'needs exactly one point per category');
      data.forEach((d, j) => {
        const v = (d as Obj)['value'];
        if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`${path}.chart.series[${i}].data[${j}].value`, 'must be a finite number');
      });
    });
  }

  blocks(blocks: unknown, max: number): void {
    if (!Array.isArray(blocks)) return this.fail('blocks', 'not an array');
    if (blocks.length > max) this.fail('blocks', `${blocks.length} > ${max}`);
    const ids = blocks.map((b) => (b as Obj)['block_id']).filter((id) => id !== undefined);
    if (new Set(ids).size !== ids.length) this.fail('blocks', 'duplicate block_id');
    blocks.forEach((b, i) => this.block(`blocks[${i}]`, b as Obj));
  }
}

/** Problems with a message payload (chat.postMessage / chat.update / chat.postEphemeral / an ack body). */
export function messageProblems(args: Obj): string[] {
  const c = new Checker();
  const text = args['text'];
  if (typeof text !== 'string' || text.length === 0) c.fail('text', 'missing fallback text');
  else if (text.length > 4000) c.fail('text', `${text.length} > 4000 (Slack's recommendation)`);
  if (args['blocks'] !== undefined) c.blocks(args['blocks'], 50);
  const charts = Array.isArray(args['blocks']) ? (args['blocks'] as Obj[]).filter((b) => b['type'] === 'data_visualization').length : 0;
  if (charts > 2) c.fail('blocks', `${charts} data_visualization blocks (at most 2 per message)`);
  // The undocumented cumulative cap: rejected at 11,341 summed characters (bolt-js #2867).
  if (c.total > 11_000) c.fail('blocks', `${c.total} characters of text in all (msg_blocks_too_long)`);
  return c.problems;
}

/** Problems with a view (views.open / views.publish). */
export function viewProblems(view: Obj): string[] {
  const c = new Checker();
  if (view['type'] === 'modal') {
    c.text('title', view['title'], 24, true);
    if (view['submit']) c.text('submit', view['submit'], 24, true);
    if (view['close']) c.text('close', view['close'], 24, true);
    c.max('private_metadata', view['private_metadata'], 3000);
    c.max('callback_id', view['callback_id'], 255);
  }
  c.blocks(view['blocks'], 100);
  if (Array.isArray(view['blocks']) && (view['blocks'] as Obj[]).some((b) => b['type'] === 'data_visualization')) c.fail('blocks', 'data_visualization is for messages only, not modals or the Home tab');
  return c.problems;
}

/** Problems with every message and view in recorded Web API calls, each prefixed with its method. */
export function callProblems(calls: ReadonlyArray<{ method: string; args: Obj }>): string[] {
  return calls.flatMap((call) => {
    if (['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(call.method)) return messageProblems(call.args).map((p) => `${call.method}: ${p}`);
    if (['views.open', 'views.publish', 'views.update'].includes(call.method)) return viewProblems(call.args['view'] as Obj).map((p) => `${call.method}: ${p}`);
    return [];
  });
}
