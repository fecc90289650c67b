import { createHash } from 'node:crypto';

/**
 * The one stylesheet of the checkout pages, served by the gateway (nothing from other hosts).
 * Phone first (360 px wide and up); logical properties so the Arabic layout mirrors by itself;
 * contrast at least 4.5:1; a visible focus ring for keyboards.
 */
export const CHECKOUT_STYLESHEET = `
:root{--ink:#1b1f23;--muted:#4f5b64;--line:#d5dce1;--bg:#f3f5f7;--card:#fff;--brand:#8a1538;--brand-dark:#6b0f2b;
--ok:#17643f;--ok-bg:#e3f4ea;--bad:#9b1c23;--bad-bg:#fde7e9;--warn:#7a4f00;--warn-bg:#fff3d6;--focus:#1d5fa8}
*{box-sizing:border-box}
html{font-size:16px;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans Arabic",Tahoma,sans-serif;color:var(--ink);background:var(--bg);line-height:1.5}
[dir=rtl] body{line-height:1.7}
a{color:var(--focus)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.wrap{max-width:28rem;margin:0 auto;padding:1rem .9rem 2rem}
header.merchant{display:flex;align-items:center;gap:.7rem;margin:.2rem 0 1rem}
.logo{flex:none;width:2.6rem;height:2.6rem;border-radius:50%;background:var(--brand);color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:1.2rem}
.merchant .name{font-weight:650;font-size:1.1rem;overflow-wrap:anywhere;flex:1}
.lang{flex:none;font-size:.95rem;padding:.35rem .7rem;border:1px solid var(--line);border-radius:999px;background:var(--card);color:var(--ink);text-decoration:none;min-height:2.25rem;display:inline-flex;align-items:center}
.testmode{background:var(--warn-bg);color:var(--warn);border:1px solid #e9c46a;border-radius:8px;padding:.45rem .7rem;font-size:.9rem;margin-bottom:.8rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.1rem 1rem;margin-bottom:1rem}
.summary .label{color:var(--muted);font-size:.9rem;margin:0}
.amount{font-size:2rem;font-weight:700;margin:.1rem 0 .3rem;font-variant-numeric:tabular-nums;white-space:nowrap}
.description{margin:.2rem 0 0;overflow-wrap:anywhere}
.reference{margin:.3rem 0 0;color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
h1{font-size:1.3rem;margin:0 0 .6rem}
h2{font-size:1.05rem;margin:0 0 .7rem}
form.methods{display:flex;flex-direction:column;gap:.7rem;margin:0}
button.method{display:flex;align-items:center;gap:.8rem;width:100%;min-height:3.6rem;padding:.7rem .9rem;border:2px solid var(--line);border-radius:10px;background:var(--card);color:var(--ink);font:inherit;text-align:start;cursor:pointer}
button.method:hover{border-color:var(--brand)}
button.method:focus-visible{border-color:var(--focus)}
button.method .icon{flex:none;width:2.4rem;height:2.4rem;border-radius:8px;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--brand)}
button.method .icon svg{width:1.6rem;height:1.6rem}
button.method .text{display:flex;flex-direction:column;flex:1}
button.method .title{font-weight:650;font-size:1.05rem}
button.method .hint{color:var(--muted);font-size:.88rem}
button.method .chev{flex:none;color:var(--muted);font-size:1.3rem}
.button{display:block;width:100%;text-align:center;padding:.8rem 1rem;border-radius:10px;border:2px solid var(--brand);background:var(--brand);color:#fff;font:inherit;font-weight:650;text-decoration:none;cursor:pointer;min-height:3rem}
.button:hover{background:var(--brand-dark)}
.button.quiet{background:var(--card);color:var(--brand)}
.actions{display:flex;flex-direction:column;gap:.6rem;margin-top:1rem}
.notice{border-radius:8px;padding:.6rem .8rem;margin:0 0 .9rem}
.notice.bad{background:var(--bad-bg);color:var(--bad)}
.notice.warn{background:var(--warn-bg);color:var(--warn)}
.notice.ok{background:var(--ok-bg);color:var(--ok)}
.result{text-align:center}
.result .mark{width:3.5rem;height:3.5rem;margin:.3rem auto .6rem;border-radius:50%;display:flex;align-items:center;justify-content:center}
.result .mark svg{width:2rem;height:2rem}
.result.ok .mark{background:var(--ok-bg);color:var(--ok)}
.result.bad .mark{background:var(--bad-bg);color:var(--bad)}
.result.wait .mark{background:var(--warn-bg);color:var(--warn)}
footer.foot{color:var(--muted);font-size:.88rem;text-align:center;display:flex;flex-direction:column;gap:.5rem;margin-top:1.4rem}
a.leave{display:block;text-align:center;color:var(--muted);padding:.7rem .5rem;min-height:2.75rem}
button.method .icon .q{font-weight:800;font-size:1.25rem;font-family:inherit}
footer.foot a{color:var(--muted)}
bdi{unicode-bidi:isolate}
.foot-note{color:var(--muted);text-align:center;margin:.2rem 0 .4rem}
img.logo.image{width:auto;max-width:8rem;height:2.6rem;object-fit:contain;border-radius:6px;background:none}
form.amount-form{display:flex;flex-direction:column;gap:.55rem;margin:0}
form.amount-form label{font-weight:650}
.field{display:flex;align-items:center;gap:.5rem;border:2px solid var(--line);border-radius:10px;background:var(--card);padding:0 .9rem;min-height:3.6rem}
.field:focus-within{border-color:var(--focus);box-shadow:0 0 0 2px var(--focus)}
.field.bad{border-color:var(--bad)}
.field .cur{flex:none;color:var(--muted);font-weight:650}
.field input{flex:1;min-width:0;width:100%;border:0;outline:0;font:inherit;font-size:1.6rem;font-weight:700;padding:.35rem 0;background:transparent;color:var(--ink);font-variant-numeric:tabular-nums}
.hint{color:var(--muted);font-size:.92rem;margin:0}
.error{color:var(--bad);font-weight:600;margin:0}
form.amount-form .button{margin-top:.4rem}
`.trim();

/** The stylesheet's URL: its content hash in the name, so it can be cached for good. */
export const CHECKOUT_STYLESHEET_PATH = `/c/assets/checkout-${createHash('sha256').update(CHECKOUT_STYLESHEET).digest('hex').slice(0, 12)}.css`;
