import { createHash } from 'node:crypto';

/**
 * The one stylesheet of the dashboard, served by the gateway (no build step, nothing from other
 * hosts). Logical properties (`inline-start`) so the Arabic layout mirrors by itself.
 */
export const STYLESHEET = `
:root{--ink:#1d2327;--muted:#5f6b73;--line:#dde3e7;--bg:#f5f7f8;--card:#fff;--brand:#8a1538;--brand-ink:#fff;
--ok:#1f7a4d;--ok-bg:#e3f4ea;--warn:#8a5a00;--warn-bg:#fff3d6;--bad:#a4262c;--bad-bg:#fde7e9;--info:#1d5fa8;--info-bg:#e4eefa;
--test:#b45309;--test-bg:#fff7e6}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans Arabic",Tahoma,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
[dir=rtl] body{font-size:1.02rem}
a{color:var(--info)}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.88em}
header.top{display:flex;align-items:center;gap:1rem;flex-wrap:wrap;padding:.6rem 1.2rem;background:var(--brand);color:var(--brand-ink)}
header.top a{color:var(--brand-ink);text-decoration:none}
header.top .brand{font-weight:700;font-size:1.15rem;letter-spacing:.02em}
header.top .spacer{flex:1}
header.top .who{opacity:.9;font-size:.9rem}
.modes{display:inline-flex;border:1px solid rgba(255,255,255,.6);border-radius:999px;overflow:hidden}
.modes button,.modes span{border:0;background:transparent;color:var(--brand-ink);padding:.25rem .8rem;font:inherit;font-size:.85rem;cursor:pointer}
.modes .on{background:#fff;color:var(--brand);font-weight:700}
.modes .on.test{background:var(--test-bg);color:var(--test)}
header.top form{margin:0;display:inline}
header.top .linkish{background:none;border:0;color:var(--brand-ink);font:inherit;text-decoration:underline;cursor:pointer;padding:0}
.testbar{background:repeating-linear-gradient(-45deg,var(--test-bg),var(--test-bg) 12px,#ffeccc 12px,#ffeccc 24px);color:var(--test);border-bottom:2px solid var(--test);padding:.35rem 1.2rem;font-weight:600;font-size:.9rem}
nav.side{display:flex;gap:.2rem;flex-wrap:wrap;padding:.4rem 1rem;background:var(--card);border-bottom:1px solid var(--line)}
nav.side a{padding:.4rem .75rem;border-radius:6px;text-decoration:none;color:var(--ink)}
nav.side a.here{background:var(--bg);font-weight:600;box-shadow:inset 0 -2px 0 var(--brand)}
main{padding:1.2rem;max-width:80rem;margin:0 auto}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
h2{font-size:1.1rem;margin:1.4rem 0 .6rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin-bottom:1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.8rem}
.figure .label{color:var(--muted);font-size:.85rem}
.figure .value{font-size:1.3rem;font-weight:650;margin-top:.2rem}
table{width:100%;border-collapse:collapse;background:var(--card)}
th,td{text-align:start;padding:.5rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
[dir=rtl] th{text-transform:none;letter-spacing:0;font-size:.88rem}
td.num,th.num{text-align:end;white-space:nowrap}
tr:hover td{background:#fafbfc}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.2rem;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-size:.8rem;font-weight:600;background:var(--bg);color:var(--muted);white-space:nowrap}
.badge.ok{background:var(--ok-bg);color:var(--ok)}
.badge.warn{background:var(--warn-bg);color:var(--warn)}
.badge.bad{background:var(--bad-bg);color:var(--bad)}
.badge.info{background:var(--info-bg);color:var(--info)}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end}
form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted);gap:.15rem}
input,select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #c6ced4;border-radius:6px;background:#fff;color:var(--ink)}
input[type=number]{width:8rem}
button,.button{font:inherit;padding:.4rem .9rem;border-radius:6px;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
.button.quiet,button.quiet{background:#fff;color:var(--brand)}
button.danger{background:var(--bad);border-color:var(--bad)}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}
.actions.end{justify-content:flex-end}
.actions form{display:flex;gap:.4rem;align-items:center;margin:0}
.muted{color:var(--muted)}
.small{font-size:.85rem}
.pager{display:flex;gap:.8rem;margin-top:.8rem}
.notice{padding:.6rem .9rem;border-radius:6px;margin-bottom:1rem}
.notice.ok{background:var(--ok-bg);color:var(--ok)}
.notice.bad{background:var(--bad-bg);color:var(--bad)}
ol.timeline{list-style:none;margin:0;padding:0;border-inline-start:2px solid var(--line)}
ol.timeline>li{position:relative;padding:.2rem 0 .9rem 0;padding-inline-start:1.1rem}
ol.timeline>li::before{content:"";position:absolute;inset-inline-start:-7px;top:.55rem;width:12px;height:12px;border-radius:50%;background:var(--muted)}
ol.timeline>li.ok::before{background:var(--ok)}
ol.timeline>li.bad::before{background:var(--bad)}
ol.timeline>li.warn::before{background:var(--warn)}
ol.timeline>li.info::before{background:var(--info)}
ol.timeline .when{color:var(--muted);font-size:.82rem}
ol.timeline .what{font-weight:600}
details{margin-top:.3rem}
details summary{cursor:pointer;color:var(--info);font-size:.88rem}
pre{background:#0f1720;color:#e6edf3;padding:.7rem;border-radius:6px;overflow:auto;max-height:22rem;font-size:.8rem;direction:ltr;text-align:left;white-space:pre-wrap;overflow-wrap:anywhere}
.signin{max-width:24rem;margin:4rem auto}
.signin label{display:block;margin:.6rem 0 .2rem}
.signin input{width:100%}
.signin button{width:100%;margin-top:1rem}
.confirm{max-width:34rem}
svg.chart{width:100%;max-width:960px;height:auto;display:block}
svg.chart .bar{fill:var(--brand)}
svg.chart .axis{stroke:var(--line)}
svg.chart text{font-size:12px;fill:var(--muted)}
a.back::before,.pager a.prev::before{content:"\\2190\\00a0"}
.pager a.next::after{content:"\\00a0\\2192"}
[dir=rtl] a.back::before,[dir=rtl] .pager a.prev::before{content:"\\2192\\00a0"}
[dir=rtl] .pager a.next::after{content:"\\00a0\\2190"}
.titlebar{display:flex;align-items:center;justify-content:space-between;gap:1rem;flex-wrap:wrap}
.titlebar h1{margin-bottom:.6rem}
tr.failing td{background:var(--bad-bg)}
tr.failing td:first-child{box-shadow:inset 3px 0 0 var(--bad)}
[dir=rtl] tr.failing td:first-child{box-shadow:inset -3px 0 0 var(--bad)}
form.stack{display:flex;flex-direction:column;gap:.7rem}
form.stack>label,fieldset>label{display:flex;flex-direction:column;gap:.2rem;font-size:.9rem}
fieldset{border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem;display:flex;flex-direction:column;gap:.5rem}
legend{font-weight:600;padding:0 .3rem}
fieldset>label.check,.checks label.check{flex-direction:row;align-items:center;gap:.4rem}
.checks{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.3rem .8rem}
.notice.warn{background:var(--warn-bg);color:var(--warn)}
p.secret code{display:inline-block;font-size:1rem;padding:.5rem .7rem;background:var(--bg);border:1px dashed var(--muted);border-radius:6px;user-select:all;overflow-wrap:anywhere}
ol.attempts{margin:.3rem 0;padding-inline-start:1.2rem}
button.danger,.button.danger{background:var(--bad);border-color:var(--bad);color:#fff}
.button.small{padding:.2rem .6rem;font-size:.85rem}
.card>.actions{margin-top:.8rem}
bdi.amount{white-space:nowrap;font-variant-numeric:tabular-nums}
@media (max-width:640px){main{padding:.7rem}th,td{padding:.4rem}}
`.trim();

/** The stylesheet's URL: its content hash in the name, so it can be cached for good. */
export const STYLESHEET_PATH = `/dashboard/assets/dashboard-${createHash('sha256').update(STYLESHEET).digest('hex').slice(0, 12)}.css`;
