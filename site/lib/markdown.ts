// Descriptions come from producers: render their Markdown without raw HTML (markdown-it escapes it) and
// without remote images, and nest their headings under the page's own sections (h1 title, h2 sections): h3 and below.
import MarkdownIt, { type RendererRule } from 'markdown-it';

const nestHeading: RendererRule = (tokens, idx, options, _env, self) => {
  const token = tokens[idx];
  if (token) token.tag = `h${Math.min(6, Math.max(3, Number(token.tag.slice(1)) + 1))}`;
  return self.renderToken(tokens, idx, options);
};

function parser(linkify: boolean): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify, typographer: false });
  md.disable('image');
  md.renderer.rules.heading_open = nestHeading;
  md.renderer.rules.heading_close = nestHeading;
  return md;
}

const plain = parser(false);
const linkifying = parser(true);
// Linkify scans every text token with large regular expressions (~1 s per 10 k descriptions):
// only pay for it when a bare address (after a space or at a line start, so not inside a Markdown link) is there.
const BARE_URL = /(^|\s)(https?:\/\/|www\.)/;

export function renderMarkdown(source: string): string {
  return (BARE_URL.test(source) ? linkifying : plain).render(source);
}
