// html_style.h: the report's inline stylesheet and script, kept apart from the code
// that writes the markup. Both must stay XML-safe: no '<' or '&' in the stylesheet,
// and the script sits in a CDATA section that must never contain "]]>".
#pragma once

namespace parity::reports {

inline constexpr const char* kReportCss = R"CSS(
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--pass:#1a7f37;--fail:#cf222e;--error:#bc4c00;
--nt:#8250df;--waived:#9a6700;--na:#6e7781;--accent:#1f6feb}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:#fff;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.page{max-width:1180px;margin:0 auto;padding:0 28px 48px}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px}
a{color:var(--accent)}
h2{font-size:22px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:17px;margin:0 0 8px}
h4{font-size:14px;margin:16px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.banner{padding:26px 28px 22px;border-bottom:1px solid var(--line);color:#fff}
.banner .inner{max-width:1124px;margin:0 auto}
.banner.equivalent{background:#1a7f37}
.banner.not_equivalent{background:#b3261e}
.banner.incomplete,.banner.empty{background:#7d4e00}
.kicker{margin:0 0 4px;font-size:13px;letter-spacing:.08em;text-transform:uppercase;opacity:.9}
#verdict{font-size:28px;line-height:1.25;margin:0 0 8px}
.why{margin:0;font-size:16px;max-width:980px}
.incomplete-flag{display:inline-block;margin:0 0 12px;padding:4px 12px;border:2px solid #fff;border-radius:4px;font-weight:700;letter-spacing:.06em}
.meta-line{margin:10px 0 0;font-size:13px;opacity:.92}
nav.toc{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:8px 28px;font-size:14px}
nav.toc .inner{max-width:1124px;margin:0 auto;display:flex;flex-wrap:wrap;gap:4px 16px}
nav.toc a{text-decoration:none}
#tools{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:18px 0 0;padding:10px 14px;background:var(--soft);border:1px solid var(--line);border-radius:6px;font-size:14px}
#tools[hidden]{display:none}
#tools select,#tools button{font:inherit;padding:3px 8px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{background:var(--soft);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.na td{color:var(--muted)}
.counts td,.counts th{text-align:right}
.counts td:first-child,.counts th:first-child{text-align:left}
.badge{display:inline-block;min-width:64px;text-align:center;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.v-pass{background:var(--pass)}.v-fail{background:var(--fail)}.v-error{background:var(--error)}
.v-not-tested{background:var(--nt)}.v-waived{background:var(--waived)}.v-not-applicable{background:var(--na)}
.lvl{font-size:12px;font-weight:600;color:var(--muted)}
.lvl.MUST{color:var(--fg)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
ul.libs{margin:0;padding-left:1.2em}
.figs{margin:0;padding:0;list-style:none}
table.checks{table-layout:fixed}
table.checks td.mono{overflow-wrap:anywhere}
table.checks td.fn{color:var(--muted);font-size:13px}
table.checks td.num{white-space:nowrap}
table.checks td.num .fn{display:block;white-space:normal;min-width:8em}
table.checks td.differs{font-weight:700;color:var(--error)}
table.checks tr.cont td{border-top:none}
table.checks tr.first td{border-top:1px solid var(--line)}
table.checks td{border-bottom:none}
table.checks tbody{border-bottom:1px solid var(--line)}
.fn{color:var(--muted);font-size:12px}
col.c-id{width:15%}col.c-title{width:22%}col.c-lvl{width:7%}col.c-v{width:9%}col.c-m{width:17%}col.c-n{width:11%}col.c-d{width:8%}
.figs .fn{color:var(--muted);font-size:12px}
article.finding{border:1px solid var(--line);border-left:6px solid var(--fail);border-radius:6px;padding:14px 18px;margin:16px 0}
article.finding.v-error-b{border-left-color:var(--error)}
article.finding.v-not-tested-b{border-left-color:var(--nt)}
article.finding.v-waived-b{border-left-color:var(--waived)}
.meaning{margin:0;padding:8px 12px;background:var(--soft);border-radius:4px}
pre{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:10px 12px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0}
pre.scenario{background:#fff8c5;border-color:#d4a72c}
pre.cmd{background:#0d1117;color:#e6edf3;border-color:#0d1117}
pre.transcript{white-space:pre;overflow-wrap:normal;font-size:12px;line-height:1.45;max-height:520px;overflow:auto}
.tr-req{color:#0550ae}.tr-resp{color:#116329}.tr-note{color:var(--muted)}.tr-base{opacity:.75}
.trunc{background:#ffebe9;color:var(--fail);border-radius:3px;padding:0 3px}
details{margin:6px 0}
details>summary{cursor:pointer}
details.check{border:1px solid var(--line);border-radius:6px;padding:6px 12px}
details.check[open]{padding-bottom:12px}
details.check>summary{font-size:14px}
.muted{color:var(--muted)}
.notes{border:1px solid #d4a72c;background:#fff8c5;border-radius:6px;padding:8px 14px;margin:16px 0}
svg.chart{display:block;max-width:100%;height:auto;margin:12px 0}
svg .lb{font:13px system-ui,sans-serif;fill:var(--fg)}
svg .lb.failed{fill:var(--fail);font-weight:600}
svg .un,svg .tk{font:11px system-ui,sans-serif;fill:var(--muted)}
svg .vl,svg .lg{font:12px system-ui,sans-serif;fill:var(--fg)}
svg .ct{font:600 14px system-ui,sans-serif;fill:var(--fg)}
svg .al{font:12px system-ui,sans-serif;fill:var(--muted)}
svg .grid{stroke:#e4e8ec;stroke-width:1}
svg .axis{stroke:#8c959f;stroke-width:1}
.charts{display:flex;flex-wrap:wrap;gap:8px 24px}
footer{margin-top:40px;padding-top:10px;border-top:1px solid var(--line);font-size:13px;color:var(--muted)}
[hidden]{display:none !important}
@media print{
  nav.toc,#tools,.noprint{display:none !important}
  body{font-size:10.5pt}
  .page{max-width:none;padding:0}
  .banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  .badge,pre.cmd,pre.scenario{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  a{color:inherit;text-decoration:none}
  pre.transcript{max-height:none;overflow:visible;white-space:pre-wrap;overflow-wrap:anywhere}
  tr,svg.chart,pre.scenario,dl.facts{break-inside:avoid}
  h2,h3,h4{break-after:avoid}
}
@media print{details::details-content{content-visibility:visible !important;display:block !important;height:auto !important}}
)CSS";

inline constexpr const char* kReportScript = R"JS(
(function () {
  var d = document;
  var tools = d.getElementById('tools');
  if (!tools) return;
  tools.hidden = false;
  var fv = d.getElementById('f-verdict');
  var fg = d.getElementById('f-group');
  function apply() {
    var v = fv.value, g = fg.value;
    var items = d.querySelectorAll('[data-verdict]');
    for (var i = 0; i !== items.length; i++) {
      var e = items[i];
      var show = (v === '' || e.getAttribute('data-verdict') === v) && (g === '' || e.getAttribute('data-group') === g);
      e.hidden = !show;
    }
    var sections = d.querySelectorAll('section.group');
    for (var j = 0; j !== sections.length; j++) {
      var s = sections[j];
      s.hidden = s.querySelectorAll('tr[data-verdict]:not([hidden])').length === 0;
    }
  }
  fv.addEventListener('change', apply);
  fg.addEventListener('change', apply);
  function setAll(open) {
    var all = d.querySelectorAll('details');
    for (var i = 0; i !== all.length; i++) all[i].open = open;
  }
  d.getElementById('expand-all').addEventListener('click', function () { setAll(true); });
  d.getElementById('collapse-all').addEventListener('click', function () { setAll(false); });
  // Printing shows every detail; the reader's own choice comes back afterwards.
  var saved = null;
  window.addEventListener('beforeprint', function () {
    var all = d.querySelectorAll('details');
    saved = [];
    for (var i = 0; i !== all.length; i++) { saved.push(all[i].open); all[i].open = true; }
  });
  window.addEventListener('afterprint', function () {
    if (saved === null) return;
    var all = d.querySelectorAll('details');
    for (var i = 0; i !== all.length; i++) all[i].open = saved[i];
    saved = null;
  });
  // A link to a check inside a closed <details> opens it.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var e = id ? d.getElementById(id) : null;
    for (; e; e = e.parentElement) if (e.tagName === 'DETAILS') e.open = true;
  }
  window.addEventListener('hashchange', reveal);
  reveal();
})();
)JS";

}  // namespace parity::reports
