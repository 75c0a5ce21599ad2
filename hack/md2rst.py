# Copyright: kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The guides in docs/*.md as the reStructuredText antsibull-docs wants (docs/docsite/rst/).

The Markdown files stay the source (GitHub shows them, people edit them); the site gets a
conversion made at build time into the ansible_collections copy (hack/collection-root.sh), never
committed, so the two cannot drift. docs/docsite/extra-docs.yml is the one list: every toctree
entry ``NAME`` there is converted from docs/NAME.md.

Links between guides, and to their headings (``#anchor`` as GitHub makes it), become ``:ref:`` to
labels made for each guide and heading, so Sphinx (-W) fails on a guide that is linked but not on the
site; links to other files of the repository become links to them on GitHub (links.yml's
edit_on_github); a link to a file or heading that does not exist is an error. Images (``![alt](f.png)``,
also inside text, or ``<img src=... width=...>``) are embedded as data: URIs (antsibull-docs copies only
.rst files into the site).

Usage: python hack/md2rst.py REPO_ROOT OUT_DIR
"""

from __future__ import annotations

import base64
import mimetypes
import posixpath
import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

LABEL_PREFIX = "ansible_collections.kubedebug.ephemeral.docsite."
UNDERLINES = "=-~^\"'"


class ConversionError(Exception):
    pass


def guide_refs(repo: Path) -> list[str]:
    """Every toctree entry of docs/docsite/extra-docs.yml, in order (``diagnostics``, ``zh-CN/diagnostics``)."""
    index = yaml.safe_load((repo / "docs" / "docsite" / "extra-docs.yml").read_text(encoding="utf-8")) or {}
    refs = []
    for section in index.get("sections") or []:
        for entry in section.get("toctree") or []:
            refs.append(entry if isinstance(entry, str) else entry["ref"])
    return refs


def label_of(ref: str) -> str:
    return LABEL_PREFIX + ref.replace("/", ".")


def repo_url(repo: Path) -> str:
    links = yaml.safe_load((repo / "docs" / "docsite" / "links.yml").read_text(encoding="utf-8"))
    github = links["edit_on_github"]
    return "https://github.com/{0}/blob/{1}/".format(github["repository"], github.get("branch", "main"))


def width(text: str) -> int:
    """Columns as docutils counts them (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def escape(text: str) -> str:
    return re.sub(r"([\\`*_|<>])", r"\\\1", text)


# Characters docutils accepts right before inline markup and right after it (its ASCII sets); next to
# anything else (a letter, Chinese text or punctuation) markup is set off with an escaped space.
BEFORE_MARKUP = set(" \n-:/'\"<([{")
AFTER_MARKUP = set(" \n-.,:;!?\\/'\")]}>")


def plain(node: SyntaxTreeNode) -> str:
    """The text of an inline node and its children, without markup."""
    if node.type in ("text", "code_inline", "html_inline"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    return "".join(plain(child) for child in node.children)


def parse(path: Path) -> SyntaxTreeNode:
    return SyntaxTreeNode(MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8")))


def slug(text: str) -> str:
    """GitHub's anchor for a heading: lower case, letters, digits, '-' and '_' kept, spaces to '-'."""
    kept = "".join(ch for ch in text.lower() if ch in " -_" or unicodedata.category(ch)[0] in "LNM")
    return kept.replace(" ", "-")


def heading_anchors(tree: SyntaxTreeNode) -> list[str]:
    """The anchors GitHub gives a document's headings, in order (repeats get -1, -2, ...)."""
    anchors: list[str] = []
    seen: dict[str, int] = {}
    for node in tree.walk():
        if node.type == "heading":
            base = slug(plain(node.children[0]))
            count = seen.get(base, 0)
            seen[base] = count + 1
            anchors.append(base if count == 0 else "{0}-{1}".format(base, count))
    return anchors


def anchor_label(ref: str, anchors: list[str], anchor: str) -> str:
    """The label of a heading: the guide's own label for its title, the guide's label + '.' + anchor else."""
    return label_of(ref) if anchors and anchor == anchors[0] else label_of(ref) + "." + anchor


class Converter:
    """One Markdown file to reStructuredText."""

    def __init__(self, repo: Path, ref: str, refs: list[str]):
        self.repo = repo
        self.ref = ref
        self.refs = refs
        self.source = repo / "docs" / (ref + ".md")
        self.base_url = repo_url(repo)
        self.tree = parse(self.source)
        self.anchors = heading_anchors(self.tree)
        self.heading_index = 0
        self.substitutions: list[str] = []  # images inside text, defined after their paragraph

    # ---- links -------------------------------------------------------------------------------------
    def _target(self, href: str) -> tuple[str, str]:
        """('ref', label) for a guide on the site, ('url', url) otherwise."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            return "url", href
        path, dummy, anchor = unquote(href).partition("#")  # markdown-it percent-encodes non-ASCII
        here = posixpath.dirname(posixpath.join("docs", self.ref))
        resolved = posixpath.normpath(posixpath.join(here, path)) if path else posixpath.join("docs", self.ref + ".md")
        if resolved.startswith("../") or not (self.repo / resolved).exists():
            raise ConversionError(f"{self.source}: link to {href!r}: {resolved} does not exist in the repository")
        if resolved.startswith("docs/") and resolved.endswith(".md") and resolved[5:-3] in self.refs:
            ref = resolved[5:-3]
            if not anchor:
                return "ref", label_of(ref)
            anchors = self.anchors if ref == self.ref else heading_anchors(parse(self.repo / resolved))
            if anchor not in anchors:
                raise ConversionError(f"{self.source}: link to {href!r}: {resolved} has no heading with the anchor #{anchor}")
            return "ref", anchor_label(ref, anchors, anchor)
        return "url", self.base_url + resolved + ("#" + anchor if anchor else "")

    def _image(self, src: str) -> str:
        src = unquote(src)
        here = posixpath.dirname(posixpath.join("docs", self.ref))
        path = self.repo / posixpath.normpath(posixpath.join(here, src))
        if not path.is_file():
            raise ConversionError(f"{self.source}: image {src!r} does not exist ({path})")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return "data:{0};base64,{1}".format(mime, base64.b64encode(path.read_bytes()).decode("ascii"))

    # ---- inline ------------------------------------------------------------------------------------
    def inline(self, node: SyntaxTreeNode) -> str:
        """Inline children of ``node`` as RST. Markup is set off with escaped spaces, which docutils drops,
        so it is recognised next to any character (Chinese text has no spaces around words)."""
        pieces: list[tuple[bool, str]] = []  # (is markup, RST)

        def markup(text: str) -> None:
            pieces.append((True, text))

        for child in node.children:
            kind = child.type
            if kind in ("text", "html_inline"):
                pieces.append((False, escape(child.content)))
            elif kind in ("softbreak", "hardbreak"):
                pieces.append((False, "\n"))
            elif kind == "code_inline":
                code = child.content
                markup("``{0}``".format(code) if code and "``" not in code and code.strip() == code
                       else ":literal:`{0}`".format(escape(code)))
            elif kind in ("strong", "em"):
                markup(("**{0}**" if kind == "strong" else "*{0}*").format(escape(plain(child))))
            elif kind == "link":
                text = escape(plain(child).replace("\n", " "))
                what, target = self._target(child.attrs["href"])
                markup(":ref:`{0} <{1}>`".format(text, target) if what == "ref" else "`{0} <{1}>`__".format(text, target))
            elif kind == "image":
                name = "image-{0}".format(len(self.substitutions) + 1)
                self.substitutions.append(".. |{0}| image:: {1}\n   :alt: {2}".format(
                    name, self._image(child.attrs["src"]), plain(child).replace("\n", " ")))
                markup("|{0}|".format(name))
            else:
                raise ConversionError(f"{self.source}: unsupported inline element {kind}")
        out = ""
        for index, (is_markup, text) in enumerate(pieces):
            if not text:
                continue
            if out and is_markup and out[-1] not in BEFORE_MARKUP:
                out += "\\ "
            elif out and index and pieces[index - 1][0] and text[0] not in AFTER_MARKUP:
                out += "\\ "
            out += text
        return out

    # ---- blocks ------------------------------------------------------------------------------------
    def blocks(self, node: SyntaxTreeNode) -> list[str]:
        lines: list[str] = []
        for child in node.children:
            block = self.block(child)
            if block:
                if lines:
                    lines.append("")
                lines.extend(block)
        return lines

    def block(self, node: SyntaxTreeNode) -> list[str]:
        kind = node.type
        if kind == "heading":
            level = int(node.tag[1])
            anchor = self.anchors[self.heading_index]
            self.heading_index += 1
            title = self.inline(node.children[0])
            lines = [title, UNDERLINES[level - 1] * max(width(title), 4)]
            if self.heading_index > 1:  # the title carries the guide's own label
                lines = [".. _{0}:".format(anchor_label(self.ref, self.anchors, anchor)), ""] + lines
            return lines
        if kind == "paragraph":
            inline = node.children[0]
            if len(inline.children) == 1 and inline.children[0].type == "image":
                image = inline.children[0]
                return [".. image:: " + self._image(image.attrs["src"]), "   :alt: " + plain(image).replace("\n", " ")]
            lines = self.inline(inline).split("\n")
            if self.substitutions:
                lines += [""] + "\n".join(self.substitutions).split("\n")
                self.substitutions = []
            return lines
        if kind in ("fence", "code_block"):
            return self.code(node)
        if kind == "bullet_list":
            return self.items(node, lambda _: "- ")
        if kind == "ordered_list":
            start = int(node.attrs.get("start", 1) or 1)
            return self.items(node, lambda i: "{0}. ".format(start + i))
        if kind == "blockquote":
            return ["   " + line if line else "" for line in self.blocks(node)]
        if kind == "table":
            return self.table(node)
        if kind == "hr":
            return ["----"]
        if kind == "html_block":
            if re.fullmatch(r"\s*<!--.*?-->\s*", node.content, re.S):
                return []  # a comment (for example a marker for a generator) is not shown on GitHub either
            images = re.findall(r"<img\s[^>]*>", node.content)
            if images and not re.sub(r"<img\s[^>]*>|</?p[^>]*>|</?a[^>]*>|<br\s*/?>|\s", "", node.content):
                return self.html_images(images)
            raise ConversionError(f"{self.source}: raw HTML blocks are not supported on the site")
        raise ConversionError(f"{self.source}: unsupported block {kind}")

    def html_images(self, tags: list[str]) -> list[str]:
        """<img src=... alt=... width=...> tags (the way to give a screenshot a size on GitHub)."""
        lines: list[str] = []
        for tag in tags:
            attrs = dict(re.findall(r'(\w+)\s*=\s*"([^"]*)"', tag))
            if "src" not in attrs:
                raise ConversionError(f"{self.source}: <img> without src: {tag}")
            if lines:
                lines.append("")
            lines += [".. image:: " + self._image(attrs["src"]), "   :alt: " + attrs.get("alt", "")]
            if attrs.get("width", "").rstrip("px%").isdigit():
                lines.append("   :width: " + attrs["width"] + ("" if attrs["width"].endswith(("px", "%")) else "px"))
        return lines

    def items(self, node: SyntaxTreeNode, bullet) -> list[str]:
        lines: list[str] = []
        for index, item in enumerate(node.children):
            prefix = bullet(index)
            body = self.blocks(item) or [""]
            if lines:
                lines.append("")
            lines.append(prefix + body[0])
            lines.extend((" " * len(prefix) + line) if line else "" for line in body[1:])
        return lines

    def code(self, node: SyntaxTreeNode) -> list[str]:
        language = (node.info or "").split()[0] if node.info else ""
        body = node.content.rstrip("\n").split("\n")
        return [".. code-block:: " + lexer(language, node.content), ""] + ["   " + line if line else "" for line in body]

    def table(self, node: SyntaxTreeNode) -> list[str]:
        rows = []
        for section in node.children:  # thead, tbody
            for row in section.children:
                rows.append([self.inline(cell.children[0]).replace("\n", " ") if cell.children else ""
                             for cell in row.children])
        lines = [".. list-table::", "   :header-rows: 1", ""]
        for row in rows:
            for index, cell in enumerate(row):
                lines.append(("   * - " if index == 0 else "     - ") + cell)
        return lines

    def convert(self) -> str:
        tree = self.tree
        first = tree.children[0] if tree.children else None
        if first is None or first.type != "heading" or first.tag != "h1":
            raise ConversionError(f"{self.source}: a guide starts with its '# Title'")
        body = self.blocks(tree) + ([""] + "\n".join(self.substitutions).split("\n") if self.substitutions else [])
        return ".. _{0}:\n\n".format(label_of(self.ref)) + "\n".join(body) + "\n"


def lexer(language: str, code: str) -> str:
    """The Pygments lexer for a fence, or ``text`` when there is none or it would not lex the code
    (Sphinx warns about both, and -W turns the warning into a failed build)."""
    if not language:
        return "text"
    from pygments.lexers import get_lexer_by_name  # Sphinx brings Pygments
    from pygments.token import Error
    from pygments.util import ClassNotFound

    try:
        found = get_lexer_by_name(language)
    except ClassNotFound:
        return "text"
    if any(token is Error for token, dummy in found.get_tokens(code)):
        return "text"
    return language


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    repo, out = Path(argv[1]).resolve(), Path(argv[2])
    refs = guide_refs(repo)
    try:
        for ref in refs:
            source = repo / "docs" / (ref + ".md")
            if not source.is_file():
                raise ConversionError(f"docs/docsite/extra-docs.yml lists {ref!r} but there is no docs/{ref}.md")
            target = out / (ref + ".rst")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(Converter(repo, ref, refs).convert(), encoding="utf-8")
    except ConversionError as exc:
        print(f"md2rst: {exc}", file=sys.stderr)
        return 1
    print(f"md2rst: {len(refs)} guide(s) -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
