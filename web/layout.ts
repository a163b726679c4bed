import type { Principal } from '../services/access/principal';
import { ROLE_WORDS } from '../services/access/principal';
import { html, type SafeHtml } from './html';

export interface PageOptions {
  title: string;
  principal?: Principal;
  /** The CSRF token for the page's forms (the logout form needs one on every page). */
  csrfToken: string;
  /** Which navigation entry is the current page. */
  current?: string;
  /** A message about the last action, read out by screen readers. */
  notice?: string;
  /** An error about the last action. */
  problem?: string;
  /** How the page looks when shared (WeChat and other apps read these tags): a title, a line, an image. */
  share?: { title: string; description: string; imageUrl: string };
  body: SafeHtml;
}

const NAV: Array<{ href: string; label: string; roles: Principal['role'][] }> = [
  { href: '/inbox', label: '我的任务', roles: ['specialist'] },
  { href: '/dashboard', label: '督查总览', roles: ['supervisor', 'admin'] },
  { href: '/inspection', label: '督促检查', roles: ['supervisor', 'admin'] },
  { href: '/figures', label: '提醒成效', roles: ['supervisor', 'admin'] },
  { href: '/alerts', label: '督查提醒', roles: ['supervisor', 'admin'] },
  { href: '/licences', label: '查找证照', roles: ['specialist', 'supervisor', 'admin'] },
  { href: '/catalogue', label: '提醒目录', roles: ['specialist', 'supervisor', 'admin'] },
  { href: '/regulators', label: '监管部门', roles: ['supervisor', 'admin'] },
  { href: '/calendar', label: '节假日', roles: ['specialist', 'supervisor', 'admin'] },
  { href: '/admin', label: '用户与密钥', roles: ['admin'] },
];

/** A hidden CSRF field for a form. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** The page frame: skip link, header with navigation and logout, the notice, and the content. */
export function page(options: PageOptions): string {
  const who = options.principal;
  const nav = who
    ? NAV.filter((entry) => entry.roles.includes(who.role)).map(
        (entry) => html`<li><a href="${entry.href}"${options.current === entry.href ? html` aria-current="page"` : ''}>${entry.label}</a></li>`,
      )
    : [];
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · 证照到期提醒</title>
${
  options.share
    ? html`<meta name="description" content="${options.share.description}">
<meta property="og:type" content="website">
<meta property="og:title" content="${options.share.title}">
<meta property="og:description" content="${options.share.description}">
<meta property="og:image" content="${options.share.imageUrl}">
<meta itemprop="name" content="${options.share.title}">
<meta itemprop="description" content="${options.share.description}">
<meta itemprop="image" content="${options.share.imageUrl}">`
    : ''
}
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<a class="skip" href="#main">跳到正文</a>
<header>
  <p class="brand">证照到期提醒</p>
  ${
    who
      ? html`<nav aria-label="主导航"><ul>${nav}</ul></nav>
  <form method="post" action="/logout" class="logout">${csrfField(options.csrfToken)}
    <span>${'displayName' in who ? who.displayName : who.name}（${ROLE_WORDS[who.role]}${who.departmentName ? ` · ${who.departmentName}` : ''}）</span>
    <button type="submit">退出</button>
  </form>`
      : ''
  }
</header>
<main id="main" tabindex="-1">
<h1>${options.title}</h1>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.problem ? html`<p class="problem" role="alert">${options.problem}</p>` : ''}
${options.body}
</main>
</body>
</html>`.text;
}

/** The one stylesheet: plain, high-contrast, visible focus; small enough for an old office PC. */
export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 "Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;color:#1a1a1a;background:#f5f6f8}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5em}
.skip:focus{left:.5em;z-index:10}
header{display:flex;flex-wrap:wrap;align-items:center;gap:1em;background:#003a70;color:#fff;padding:.5em 1.5em}
header a,header button{color:#fff}
.brand{font-weight:bold;margin:0 1em 0 0}
nav ul{display:flex;gap:1.2em;list-style:none;margin:0;padding:0}
nav a[aria-current=page]{font-weight:bold;text-decoration:underline 3px}
.logout{margin-left:auto;display:flex;gap:.6em;align-items:center}
.logout button{background:transparent;border:1px solid #fff;padding:.2em .8em;cursor:pointer}
main{max-width:1200px;margin:0 auto;padding:1em 1.5em 3em}
main:focus{outline:none}
h1{font-size:1.5em;margin:.4em 0 .6em}
h2{font-size:1.2em;margin:1.4em 0 .5em}
a{color:#0b4f9c}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
table{border-collapse:collapse;width:100%;background:#fff;margin:.5em 0 1em}
caption{text-align:left;font-weight:bold;padding:.3em 0}
th,td{border:1px solid #c9ced6;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#e8ecf2}
td.num{text-align:right}
.notice{background:#e3f4e1;border-left:4px solid #2e7d32;padding:.5em 1em}
.letter{white-space:pre-wrap;background:#fff;border:1px solid #c9ced6;padding:1em}
.problem{background:#fdecea;border-left:4px solid #c62828;padding:.5em 1em}
.warning{background:#fff4e0;border-left:4px solid #e65100;padding:.5em 1em}
.overdue{color:#b00020;font-weight:bold}
.tabs{display:flex;gap:1em;list-style:none;padding:0;margin:0 0 1em}
.tabs a{display:inline-block;padding:.3em .8em;border:1px solid #0b4f9c;border-radius:3px;text-decoration:none}
.tabs a[aria-current=page]{background:#0b4f9c;color:#fff}
form.inline{display:inline}
button,.button{font:inherit;background:#0b4f9c;color:#fff;border:0;border-radius:3px;padding:.3em 1em;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:#0b4f9c;border:1px solid #0b4f9c}
label{display:block;font-weight:bold;margin:.6em 0 .2em}
input[type=text],input[type=password],input[type=url],select,textarea{font:inherit;width:100%;max-width:32em;padding:.35em;border:1px solid #7a8594;border-radius:3px;background:#fff}
textarea{min-height:5em}
.hint{color:#555;font-size:.9em;margin:.1em 0}
dl.facts{display:grid;grid-template-columns:10em 1fr;gap:.3em 1em;background:#fff;padding:1em;border:1px solid #c9ced6}
dl.facts dt{font-weight:bold}
dl.facts dd{margin:0}
ol.timeline{list-style:none;padding:0;border-left:3px solid #0b4f9c;margin-left:.5em}
ol.timeline li{position:relative;padding:.2em 0 .8em 1.2em}
ol.timeline li::before{content:"";position:absolute;left:-.5em;top:.6em;width:.7em;height:.7em;border-radius:50%;background:#0b4f9c}
ol.timeline time{color:#555;margin-right:.8em;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:1em;flex-wrap:wrap}
.chart{margin:1em 0}.chart svg{max-width:100%;height:auto}
.card{background:#fff;border:1px solid #c9ced6;padding:.8em 1.2em;min-width:10em}
.card strong{display:block;font-size:1.8em}
.login{max-width:26em;background:#fff;border:1px solid #c9ced6;padding:1em 1.5em}
`;
