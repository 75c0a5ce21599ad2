# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""hack/md2rst.py: the guides' Markdown as the reStructuredText of the docs site."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest

pytest.importorskip("markdown_it", reason="markdown-it-py is a docs tool, installed in .venv only")

from docutils import nodes  # noqa: E402  (Sphinx brings docutils, like markdown-it-py in .venv)
from docutils.core import publish_doctree  # noqa: E402
from docutils.parsers.rst import roles  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("md2rst", ROOT / "hack" / "md2rst.py")
md2rst = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(md2rst)

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "docsite").mkdir(parents=True)
    (tmp_path / "docs" / "zh-CN").mkdir()
    (tmp_path / "docs" / "docsite" / "links.yml").write_text(
        "edit_on_github:\n  repository: example/coll\n  branch: main\n")
    (tmp_path / "docs" / "docsite" / "extra-docs.yml").write_text(
        "sections:\n  - title: Guides\n    toctree:\n      - guide\n      - other\n"
        "  - title: zh\n    toctree:\n      - zh-CN/guide\n")
    (tmp_path / "docs" / "other.md").write_text("# Other\n")
    (tmp_path / "docs" / "examples").mkdir()
    (tmp_path / "docs" / "examples" / "cron.yaml").write_text("x: 1\n")
    (tmp_path / "docs" / "shot.png").write_bytes(PNG)
    return tmp_path


def convert(repo: Path, text: str, ref: str = "guide") -> str:
    (repo / "docs" / (ref + ".md")).write_text(text, encoding="utf-8")
    return md2rst.Converter(repo, ref, md2rst.guide_refs(repo)).convert()


def parses_cleanly(rst: str) -> None:
    """docutils reports nothing at warning level or above (what Sphinx -W would fail on); Sphinx's
    :ref: stands in as a plain role (the docs build resolves the labels)."""
    roles.register_generic_role("ref", nodes.inline)
    stream = io.StringIO()
    publish_doctree(rst, settings_overrides={"report_level": 2, "halt_level": 5, "warning_stream": stream})
    assert not stream.getvalue(), stream.getvalue()


def test_parses_cleanly_sees_problems():
    with pytest.raises(AssertionError, match="underline too short"):
        parses_cleanly("临时容器\n====\n\ntext\n")
    with pytest.raises(AssertionError, match="Inline literal start-string without end-string"):
        parses_cleanly("run ``kubectl\n")


def marked_up(rst: str) -> list[tuple[str, str]]:
    """(kind, text) of the literal, strong and reference nodes docutils finds."""
    tree = publish_doctree(rst, settings_overrides={"report_level": 5})
    kinds = (nodes.literal, nodes.strong, nodes.reference)
    return [(type(n).__name__, n.astext()) for n in tree.findall(lambda n: isinstance(n, kinds))]


def test_label_title_and_links(repo):
    rst = convert(repo, "# Guide\n\nSee [the other guide](other.md), [the example](examples/cron.yaml) and "
                        "[upstream](https://kubernetes.io/).\n")
    assert rst.startswith(".. _ansible_collections.kubedebug.ephemeral.docsite.guide:\n\nGuide\n=====\n")
    assert ":ref:`the other guide <ansible_collections.kubedebug.ephemeral.docsite.other>`" in rst
    assert "`the example <https://github.com/example/coll/blob/main/docs/examples/cron.yaml>`__" in rst
    assert "`upstream <https://kubernetes.io/>`__" in rst


def test_a_translation_links_back_to_english_guides_and_files(repo):
    rst = convert(repo, "# 指南\n\n见[另一篇](../other.md)和[示例](../examples/cron.yaml)。\n", ref="zh-CN/guide")
    assert rst.startswith(".. _ansible_collections.kubedebug.ephemeral.docsite.zh-CN.guide:\n\n指南\n====\n")
    assert "见\\ :ref:`另一篇 <ansible_collections.kubedebug.ephemeral.docsite.other>`\\ 和" in rst
    assert "blob/main/docs/examples/cron.yaml>`__\\ 。" in rst


def test_markup_next_to_chinese_text_is_set_off_and_parses(repo):
    rst = convert(repo, "# 临时容器\n\n用`kubectl debug`调试**静态 Pod**，再看`logs`。\n\n## 小节\n\ntext_with_underscores *and* |pipes|\n")
    assert "用\\ ``kubectl debug``\\ 调试\\ **静态 Pod**\\ ，再看\\ ``logs``\\ 。" in rst
    assert "临时容器\n========\n" in rst  # four wide characters are eight columns
    assert "text\\_with\\_underscores *and* \\|pipes\\|" in rst
    parses_cleanly(rst)
    # Without the escaped spaces docutils would read ``kubectl debug`` as plain text, silently.
    assert marked_up(rst) == [("literal", "kubectl debug"), ("strong", "静态 Pod"), ("literal", "logs")]
    assert marked_up("用``kubectl``调试\n") == []


def test_lists_code_tables_and_images(repo):
    text = ("# T\n\n1. first\n\n   ```yaml\n   a: 1\n   ```\n2. second\n   - nested\n\n"
            "| a | b |\n|---|---|\n| `x` | y |\n\n![a shot](shot.png)\n\n```cron\n*/5 * * * * run\n```\n\n<!-- marker -->\n")
    rst = convert(repo, text)
    assert "1. first\n\n   .. code-block:: yaml\n\n      a: 1\n\n2. second\n\n   - nested\n" in rst
    assert ".. list-table::\n   :header-rows: 1\n\n   * - a\n     - b\n   * - ``x``\n     - y\n" in rst
    assert ".. image:: data:image/png;base64,iVBORw0KGgo" in rst and ":alt: a shot" in rst
    assert ".. code-block:: text\n\n   */5 * * * * run\n" in rst  # no Pygments lexer named cron
    assert "marker" not in rst
    parses_cleanly(rst)


@pytest.mark.parametrize("text, message", [
    ("# T\n\n[gone](missing.md)\n", "docs/missing.md does not exist"),
    ("# T\n\n[out](../../etc/passwd)\n", "does not exist in the repository"),
    ("# T\n\n[here](#section)\n", "has no heading with the anchor #section"),
    ("# T\n\n[there](other.md#nowhere)\n", "docs/other.md has no heading with the anchor #nowhere"),
    ("# T\n\n![gone](nope.png)\n", "image 'nope.png' does not exist"),
    ("Intro first\n", "starts with its '# Title'"),
    ("# T\n\n<div>raw</div>\n", "raw HTML"),
    ("# T\n\n<img alt=\"x\">\n", "<img> without src"),
])
def test_what_the_site_cannot_show_is_an_error(repo, text, message):
    with pytest.raises(md2rst.ConversionError, match=message.replace("(", r"\(").replace("'", "'")):
        convert(repo, text)


def test_main_converts_every_listed_guide_and_names_a_missing_one(repo, tmp_path, capsys):
    (repo / "docs" / "guide.md").write_text("# Guide\n")
    out = tmp_path / "out"
    assert md2rst.main(["md2rst.py", str(repo), str(out)]) == 1
    assert "lists 'zh-CN/guide' but there is no docs/zh-CN/guide.md" in capsys.readouterr().err
    (repo / "docs" / "zh-CN" / "guide.md").write_text("# 指南\n", encoding="utf-8")
    assert md2rst.main(["md2rst.py", str(repo), str(out)]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.rst")) == ["guide.rst", "other.rst", "zh-CN/guide.rst"]


@pytest.mark.parametrize("guide", ["README.md", "README.zh-CN.md"] + sorted(
    p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("**/*.md")))
def test_no_markup_left_unparsed(guide):
    """Emphasis next to Chinese punctuation easily stays literal (CommonMark's flanking rules: write
    ``**粗体**。`` not ``**粗体。**``); GitHub and the site would show the asterisks."""
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark").enable("table")
    for token in markdown.parse((ROOT / guide).read_text(encoding="utf-8")):
        for child in token.children or []:
            if child.type == "text" and any(mark in child.content for mark in ("**", "`", "](")):
                pytest.fail("{0} line {1}: markup left as text: {2!r}".format(guide, token.map[0] + 1, child.content), pytrace=False)


def test_anchors_as_github_makes_them(repo):
    (repo / "docs" / "other.md").write_text("# Other\n\n## Run ids, re-runs\n", encoding="utf-8")
    rst = convert(repo, "# 指南\n\n## 运行 ID、重复运行（re-run）\n\n## Notes\n\n## Notes\n\n"
                        "[上面](#运行-id重复运行re-run)、[第二个](#notes-1)、[标题](#指南)和[那边](other.md#run-ids-re-runs)\n")
    label = "ansible_collections.kubedebug.ephemeral.docsite.guide"
    assert ".. _{0}.运行-id重复运行re-run:\n\n运行 ID、重复运行（re-run）\n".format(label) in rst
    assert ".. _{0}.notes:\n".format(label) in rst and ".. _{0}.notes-1:\n".format(label) in rst
    assert ":ref:`上面 <{0}.运行-id重复运行re-run>`".format(label) in rst
    assert ":ref:`第二个 <{0}.notes-1>`".format(label) in rst
    assert ":ref:`标题 <{0}>`".format(label) in rst
    assert ":ref:`那边 <ansible_collections.kubedebug.ephemeral.docsite.other.run-ids-re-runs>`" in rst
    parses_cleanly(rst)


def test_images_inside_text_and_as_html(repo):
    rst = convert(repo, "# T\n\nThe report ![icon](shot.png) looks like this:\n\n"
                        '<p><img src="shot.png" alt="report.html" width="600"></p>\n')
    assert "The report |image-1| looks like this:\n\n.. |image-1| image:: data:image/png;base64," in rst
    assert ".. image:: data:image/png;base64," in rst and "   :alt: report.html\n   :width: 600px\n" in rst
    parses_cleanly(rst)
