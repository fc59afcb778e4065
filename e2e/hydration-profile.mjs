// Time to hydrate a page, and where the main thread's time goes until then (not a test).
//
//   node e2e/hydration-profile.mjs BASE PERSON PATH [RUNS] [--trace]
//
// Signs in as PERSON through the dev sign-in of the server at BASE, then loads PATH RUNS times
// (default 6; the first only warms the cache) with a 4× CPU slowdown, like bench/run's
// HYDRATE_JS: from navigation start until the drug filter island marks itself hydrated. With
// --trace, one more load is traced (CDP Tracing, devtools.timeline) and the renderer main
// thread's self time up to the hydration is summed by kind: HTML parsing, style, layout,
// paint, script (and wasm), other; idle is the rest of the window.
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const trace = args.includes('--trace');
const [base, person, path, runsArg] = args.filter((a) => a !== '--trace');
const runs = Number(runsArg || 6);
const READY = '[data-testid=drug-filter][data-ready=true]';

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext();
const signin = await ctx.newPage();
await signin.goto(base + '/signin');
await signin.locator(`tr[data-person-id="${person}"] button`).click();
await signin.waitForURL(base + '/');
await signin.close();
// EXTRA_CSS (experiments): appended to the stylesheet as it is served.
if (process.env.EXTRA_CSS) {
  await ctx.route('**/style/karte.css', async (route) => {
    const r = await route.fetch();
    await route.fulfill({ response: r, body: (await r.text()) + '\n' + process.env.EXTRA_CSS });
  });
}

const times = [];
for (let i = 0; i < runs; i++) {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const t0 = Date.now();
  await page.goto(base + path, { waitUntil: 'commit' });
  await page.locator(READY).waitFor({ timeout: 60000 });
  const t = Date.now() - t0;
  if (i > 0 || runs === 1) times.push(t);
  await page.close();
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ path, runs: times.length, median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1], all: times }));

if (trace) {
  const page = await ctx.newPage();
  // Marks the moment the island says it is hydrated, in the trace's clock (user timing).
  await page.addInitScript(() => {
    new MutationObserver((records, obs) => {
      for (const r of records) {
        if (r.target.getAttribute('data-ready') === 'true') { performance.mark('karte-hydrated'); obs.disconnect(); return; }
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
  });
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'loading', 'v8', 'v8.execute', 'blink', 'navigation'] },
  });
  await page.goto(base + path, { waitUntil: 'commit' });
  await page.locator(READY).waitFor({ timeout: 60000 });
  await page.waitForLoadState('load');
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource').filter((r) => /\/pkg\//.test(r.name))
      .map((r) => ({ name: r.name.replace(/.*\//, ''), start: Math.round(r.startTime), end: Math.round(r.responseEnd), bytes: r.transferSize }));
    const mark = performance.getEntriesByName('karte-hydrated')[0];
    return {
      responseStart: Math.round(nav.responseStart), responseEnd: Math.round(nav.responseEnd),
      domInteractive: Math.round(nav.domInteractive), domContentLoaded: Math.round(nav.domContentLoadedEventEnd),
      load: Math.round(nav.loadEventEnd), hydrated: mark ? Math.round(mark.startTime) : null, bytes: nav.transferSize, res,
    };
  });
  await cdp.send('Tracing.end');
  await done;
  await page.close();

  // The renderer's main thread: the thread named CrRendererMain in the process that traced the mark.
  const markEv = events.find((e) => e.name === 'karte-hydrated');
  const names = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const main = names.find((e) => !markEv || e.pid === markEv.pid) ?? names[0];
  const nav = events.find((e) => e.name === 'navigationStart' && e.pid === main.pid && e.args?.data?.documentLoaderURL?.includes(path.split('?')[0]))
    ?? events.find((e) => e.name === 'navigationStart' && e.pid === main.pid);
  const t0 = nav ? nav.ts : Math.min(...events.filter((e) => e.pid === main.pid && e.ts).map((e) => e.ts));
  const end = markEv ? markEv.ts : t0 + timing.hydrated * 1000;
  const kind = (n) => {
    if (/^(ParseHTML|HTMLDocumentParser|TextResourceDecoder|HTMLTokenizer|BackgroundHTMLParser)/.test(n)) return 'HTML parsing';
    if (/^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|Document::(recalcStyle|rebuildLayoutTree|updateStyle|UpdateStyle)|StyleEngine|StyleResolver|CSS)/.test(n)) return 'style recalc';
    if (/^(Layout|LocalFrameView::performLayout|LocalFrameView::layout|InlineNode|NGInline|LayoutShift|IntersectionObserver)/.test(n)) return 'layout';
    if (/^(Paint|PrePaint|PaintImage|Layerize|UpdateLayer|CompositeLayers|Commit|Blink\.(Paint|PrePaint|CompositingInputs|Compositing|Layerize)|PaintArtifactCompositor|LocalFrameView::RunPaint|LocalFrameView::RunPrePaint|cc::|Decode Image)/.test(n)) return 'paint/composite';
    if (/wasm|Wasm/.test(n)) return 'script: wasm';
    if (/^(EvaluateScript|v8|V8|FunctionCall|EventDispatch|TimerFire|FireIdleCallback|FireAnimationFrame|RunMicrotasks|MinorGC|MajorGC|ScavengeGC|MarkCompactGC|BlinkGC|CompileScript|CompileCode|EvaluateModule|CompileModule|CacheModule|ModuleScript)/.test(n)) return 'script';
    return 'other';
  };
  // Self time per event on the main thread (complete events nest by time).
  const evs = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur > 0 && e.ts + e.dur > t0 && e.ts < end)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const sums = {};
  const byName = {};
  const stack = [];
  const tasks = [];
  let busy = 0;
  const clip = (a, b) => Math.max(0, Math.min(b, end) - Math.max(a, t0));
  for (const e of evs) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    const own = clip(e.ts, e.ts + e.dur);
    if (stack.length) {
      const p = stack[stack.length - 1];
      const k = kind(p.name);
      sums[k] = (sums[k] || 0) - own;
      byName[p.name] = (byName[p.name] || 0) - own;
    } else {
      busy += own;
      tasks.push({ ts: e.ts, dur: e.dur, kinds: {} });
    }
    const task = tasks[tasks.length - 1];
    if (stack.length) task.kinds[kind(stack[stack.length - 1].name)] -= own;
    task.kinds[kind(e.name)] = (task.kinds[kind(e.name)] || 0) + own;
    sums[kind(e.name)] = (sums[kind(e.name)] || 0) + own;
    byName[e.name] = (byName[e.name] || 0) + own;
    stack.push(e);
  }
  const window = end - t0;
  const ms = (us) => (us / 1000).toFixed(0).padStart(6) + ' ms';
  const out = [];
  out.push(`trace of ${path} at 4× CPU slowdown: navigation start → hydrated ${ms(window)}`);
  out.push(`  page: response ${timing.responseStart}–${timing.responseEnd} ms (${timing.bytes} B), domInteractive ${timing.domInteractive} ms, DOMContentLoaded ${timing.domContentLoaded} ms, load ${timing.load} ms, hydrated ${timing.hydrated} ms (performance.now)`);
  for (const r of timing.res) out.push(`  ${r.name}: fetched ${r.start}–${r.end} ms, ${r.bytes} B`);
  out.push('  renderer main thread, self time until hydrated:');
  for (const [k, v] of Object.entries(sums).sort((a, b) => b[1] - a[1])) out.push(`    ${k.padEnd(18)}${ms(v)}  ${(100 * v / window).toFixed(0).padStart(3)} %`);
  out.push(`    ${'idle (no task)'.padEnd(18)}${ms(window - busy)}  ${(100 * (window - busy) / window).toFixed(0).padStart(3)} %`);
  out.push('  largest events by self time:');
  for (const [k, v] of Object.entries(byName).sort((a, b) => b[1] - a[1]).slice(0, 12)) out.push(`    ${k.padEnd(40)}${ms(v)}`);
  out.push('  main-thread tasks over 40 ms until hydrated (start, length, what):');
  for (const t of tasks.filter((t) => t.dur > 40000)) {
    const what = Object.entries(t.kinds).filter(([, v]) => v > 5000).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${Math.round(v / 1000)}`).join(', ');
    out.push(`    ${ms(t.ts - t0)} +${ms(t.dur)}  ${what}`);
  }
  console.log(out.join('\n'));
}
await browser.close();
