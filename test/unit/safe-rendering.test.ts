import { describe, expect, it } from 'vitest';
import { html, raw } from '../../worker/src/render/html';
import { renderMarkdown } from '../../site/lib/markdown';
import { jsonForScript } from '../../site/lib/site';

describe('producer text is rendered safely', () => {
  it('Markdown descriptions keep no raw HTML, no script URL and no remote image', () => {
    const out = renderMarkdown('# Titre\n\n<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[lien](javascript:alert(1)) ![pixel](https://tracker.example/p.gif)');
    // What remains of them is inert text; the remote image becomes a plain link, never loaded.
    expect(out).not.toMatch(/<script|<img|href="javascript:/i);
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('<a href="https://tracker.example/p.gif">pixel</a>');
    expect(out).toContain('<h3>Titre</h3>');
  });

  it('keeps ordinary links and turns bare addresses into links', () => {
    expect(renderMarkdown('[site](https://producteur.example/x)')).toContain('<a href="https://producteur.example/x">site</a>');
    expect(renderMarkdown('voir https://producteur.example/x')).toContain('<a href="https://producteur.example/x">');
  });

  it('the page template escapes every interpolated string, raw() excepted', () => {
    const title = '"><script>alert(1)</script>';
    expect(html`<h1 title="${title}">${title}</h1>`.toString()).toBe('<h1 title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html`<p>${raw('<b>sûr</b>')}</p>`.toString()).toBe('<p><b>sûr</b></p>');
  });

  it('JSON-LD cannot close its script element', () => {
    expect(jsonForScript({ name: '</script><script>alert(1)</script>' })).not.toContain('</script>');
  });
});
