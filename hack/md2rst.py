# Copyright: kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The guides in docs/*.md as the reStructuredText antsibull-docs wants (docs/docsite/rst/).

The Markdown files stay the source (GitHub shows them, people edit them); the site gets a
conversion made at build time into the ansible_collections copy (hack/collection-root.sh), never
committed, so the two cannot drift. docs/docsite/extra-docs.yml is the one list: every toctree
entry ``NAME`` there is converted from docs/NAME.md.

Links between guides become ``:ref:`` to the other guide's label, so Sphinx (-W) fails on a guide
that is linked but not on the site; links to other files of the repository become links to them
on GitHub (links.yml's edit_on_github), and a link to a file that does not exist is an error.
Images are embedded as data: URIs (antsibull-docs copies only .rst files into the site).

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


class Converter:
    """One Markdown file to reStructuredText."""

    def __init__(self, repo: Path, ref: str, refs: list[str]):
        self.repo = repo
        self.ref = ref
        self.refs = refs
        self.source = repo / "docs" / (ref + ".md")
        self.base_url = repo_url(repo)
        self.title_chars: dict[int, str] = {}

    # ---- links -------------------------------------------------------------------------------------
    def _target(self, href: str) -> tuple[str, str]:
        """('ref', label) for a guide on the site, ('url', url) otherwise."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            return "url", href
        path, dummy, anchor = href.partition("#")
        if not path:
            raise ConversionError(f"{self.source}: in-page link {href!r} is not supported on the site; link a guide or a file")
        here = posixpath.dirname(posixpath.join("docs", self.ref))
        resolved = posixpath.normpath(posixpath.join(here, path))
        if resolved.startswith("../") or not (self.repo / resolved).exists():
            raise ConversionError(f"{self.source}: link to {href!r}: {resolved} does not exist in the repository")
        if resolved.startswith("docs/") and resolved.endswith(".md") and resolved[5:-3] in self.refs:
            return "ref", label_of(resolved[5:-3])
        return "url", self.base_url + resolved + ("#" + anchor if anchor else "")

    def _image(self, node: SyntaxTreeNode) -> str:
        src = node.attrs["src"]
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
                raise ConversionError(f"{self.source}: an image inside text is not supported; put it in its own paragraph")
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
            title = self.inline(node.children[0])
            char = UNDERLINES[level - 1]
            return [title, char * max(width(title), 4)]
        if kind == "paragraph":
            inline = node.children[0]
            if len(inline.children) == 1 and inline.children[0].type == "image":
                image = inline.children[0]
                return [".. image:: " + self._image(image), "   :alt: " + plain(image).replace("\n", " ")]
            return self.inline(inline).split("\n")
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
            raise ConversionError(f"{self.source}: raw HTML blocks are not supported on the site")
        raise ConversionError(f"{self.source}: unsupported block {kind}")

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
        markdown = MarkdownIt("commonmark").enable("table")
        tree = SyntaxTreeNode(markdown.parse(self.source.read_text(encoding="utf-8")))
        first = tree.children[0] if tree.children else None
        if first is None or first.type != "heading" or first.tag != "h1":
            raise ConversionError(f"{self.source}: a guide starts with its '# Title'")
        return ".. _{0}:\n\n".format(label_of(self.ref)) + "\n".join(self.blocks(tree)) + "\n"


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
