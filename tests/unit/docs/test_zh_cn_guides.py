# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every guide has its Chinese translation, and both show the same code blocks in the same order.

The guides are the entries of the "Guides" section of docs/docsite/extra-docs.yml (the one list,
also what the docs site shows). Commands, playbooks and real outputs are never translated, so a
code block that differs means one side was changed without the other.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
INDEX = "docs/docsite/extra-docs.yml"
GUIDES_SECTION = "Guides"
ZH_SECTION = "中文指南 (zh-CN)"
ZH_DIR = "docs/zh-CN"
README_PAIR = ("README.md", "README.zh-CN.md")

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def code_blocks(text: str) -> list[tuple[int, str, str]]:
    """(line, info string, content) of each fenced code block, content without the fence's indentation."""
    blocks = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening or (opening["fence"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        start = index + 1
        body = []
        index += 1
        while index < len(lines):
            closing = _FENCE.match(lines[index])
            if closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence) and not closing["info"].strip():
                break
            line = lines[index]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))):])
            index += 1
        blocks.append((start, opening["info"].strip(), "\n".join(body)))
        index += 1
    return blocks


def sections() -> dict[str, list[str]]:
    index = yaml.safe_load((ROOT / INDEX).read_text(encoding="utf-8"))
    return {s["title"]: [e if isinstance(e, str) else e["ref"] for e in s.get("toctree") or []] for s in index["sections"]}


def guides() -> list[str]:
    return sections().get(GUIDES_SECTION, [])


def translated_pairs() -> list[tuple[str, str]]:
    """(English, Chinese) paths: the README, every guide, and any other translation in docs/zh-CN/."""
    pairs = [README_PAIR] + [("docs/{0}.md".format(g), "{0}/{1}.md".format(ZH_DIR, g)) for g in guides()]
    for extra in sorted((ROOT / ZH_DIR).glob("*.md")):
        pair = ("docs/" + extra.name, "{0}/{1}".format(ZH_DIR, extra.name))
        if pair not in pairs:
            pairs.append(pair)
    return pairs


def test_the_guides_are_listed():
    assert GUIDES_SECTION in sections(), "{0} has no section titled {1!r}: the check reads the guides from it".format(INDEX, GUIDES_SECTION)
    assert ZH_SECTION in sections(), "{0} has no section titled {1!r}: the Chinese guides belong there".format(INDEX, ZH_SECTION)
    assert guides(), "{0}: the section {1!r} lists no guide".format(INDEX, GUIDES_SECTION)


@pytest.mark.parametrize("guide", guides())
def test_every_guide_has_a_chinese_translation_on_the_site(guide):
    english = "docs/{0}.md".format(guide)
    chinese = "{0}/{1}.md".format(ZH_DIR, guide)
    todo = ("To fix: write {0} (a translation of {1}; code blocks copied unchanged, in the same order) and add the "
            "line\n      - zh-CN/{2}\nunder '{3}' in {4}.".format(chinese, english, guide, ZH_SECTION, INDEX))
    if not (ROOT / english).is_file():
        pytest.fail("{0} lists the guide {1!r} under '{2}' but {3} does not exist".format(INDEX, guide, GUIDES_SECTION, english), pytrace=False)
    if not (ROOT / chinese).is_file():
        pytest.fail("{0} is a guide (listed under '{1}' in {2}) but has no Chinese translation.\n{3}".format(
            english, GUIDES_SECTION, INDEX, todo), pytrace=False)
    if "zh-CN/" + guide not in sections()[ZH_SECTION]:
        pytest.fail("{0} exists but is not on the docs site.\n{1}".format(chinese, todo), pytrace=False)


@pytest.mark.parametrize("english, chinese", translated_pairs())
def test_translation_has_the_same_code_blocks(english, chinese):
    if not (ROOT / english).is_file():
        pytest.fail("{0} translates {1}, which does not exist: delete or rename the translation".format(chinese, english), pytrace=False)
    if not (ROOT / chinese).is_file():
        pytest.fail("{0} has no Chinese translation {1} (see the test above for what to add)".format(english, chinese), pytrace=False)
    ours = code_blocks((ROOT / english).read_text(encoding="utf-8"))
    theirs = code_blocks((ROOT / chinese).read_text(encoding="utf-8"))
    for number, (en, zh) in enumerate(zip(ours, theirs), start=1):
        if en[1:] != zh[1:]:
            pytest.fail(
                "{zh} has drifted from {en}: code block {n} differs ({en} line {en_line}, {zh} line {zh_line}).\n"
                "English:\n```{en_info}\n{en_body}\n```\nChinese:\n```{zh_info}\n{zh_body}\n```\n"
                "To fix: copy the English block into {zh} unchanged (commands and outputs are not translated), "
                "and translate any prose around it that changed.".format(
                    en=english, zh=chinese, n=number, en_line=en[0], zh_line=zh[0], en_info=en[1], en_body=en[2],
                    zh_info=zh[1], zh_body=zh[2]), pytrace=False)
    if len(ours) != len(theirs):
        longer, shorter, blocks = (english, chinese, ours) if len(ours) > len(theirs) else (chinese, english, theirs)
        first = blocks[min(len(ours), len(theirs))]
        pytest.fail(
            "{en} has {n_en} code blocks and {zh} has {n_zh}: code block {k} of {longer} (line {line}) is missing from "
            "{shorter}:\n```{info}\n{body}\n```\nTo fix: bring {zh} in line with {en} (the same blocks, in the same order).".format(
                en=english, zh=chinese, n_en=len(ours), n_zh=len(theirs), k=min(len(ours), len(theirs)) + 1, longer=longer,
                shorter=shorter, line=first[0], info=first[1], body=first[2]), pytrace=False)


def test_code_blocks_are_found_in_lists_and_compared_without_their_indentation():
    text = "Intro\n\n```sh\nmake test\n```\n\n- item\n\n  ```yaml\n  a: 1\n    b: 2\n  ```\n\n````md\n```\n````\n"
    assert code_blocks(text) == [(3, "sh", "make test"), (9, "yaml", "a: 1\n  b: 2"), (14, "md", "```")]


# ---- prose: what a paragraph states, not only the code blocks -------------------------------------------------------
_HEADING = re.compile(r"^#{1,6} ")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_CODE_SPAN = re.compile(r"(?<!`)`([^`]+)`(?!`)")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?!\w)")


def prose_sections(text: str) -> list[tuple[str, str]]:
    """(heading line, prose under it) for each section; fenced code blocks are blanked out (checked above)."""
    lines = text.split("\n")
    blanked = list(lines)
    for start, _info, body in code_blocks(text):
        for index in range(start - 1, start + body.count("\n") + 2):
            if 0 <= index < len(blanked):
                blanked[index] = ""
    result: list[tuple[str, list[str]]] = [("", [])]
    for line in blanked:
        if _HEADING.match(line):
            result.append((line, []))
        else:
            result[-1][1].append(line)
    return [(heading, "\n".join(body)) for heading, body in result]


def stated_facts(prose: str) -> set[str]:
    """The inline code (option names, values, commands; whitespace collapsed) and the numbers of a stretch of prose."""
    prose = _LINK_TARGET.sub("]", prose)
    spans = {" ".join(span.split()) for span in _CODE_SPAN.findall(prose)}
    return spans | set(_NUMBER.findall(_CODE_SPAN.sub(" ", prose)))


@pytest.mark.parametrize("english, chinese", translated_pairs())
def test_translation_states_the_same_numbers_and_option_names(english, chinese):
    """Every number and every inline code (option, value, command) of an English section is in its Chinese twin, so
    prose that changed on one side only is caught like a changed code block."""
    if not (ROOT / chinese).is_file():
        pytest.fail("{0} is missing".format(chinese), pytrace=False)
    ours = prose_sections((ROOT / english).read_text(encoding="utf-8"))
    theirs = prose_sections((ROOT / chinese).read_text(encoding="utf-8"))
    if len(ours) != len(theirs):
        pytest.fail("{0} has {1} sections and {2} has {3}: translate every heading, in the same order.\nEnglish: {4}\nChinese: {5}".format(
            english, len(ours) - 1, chinese, len(theirs) - 1, [s[0] for s in ours[1:]], [s[0] for s in theirs[1:]]), pytrace=False)
    drift = []
    for (heading, en), (zh_heading, zh) in zip(ours, theirs):
        text = " ".join(_LINK_TARGET.sub("]", zh).split())
        missing = sorted(fact for fact in stated_facts(en) if fact not in text)
        if missing:
            drift.append("  {0} / {1}: {2}".format(heading or "(top)", zh_heading or "(top)", missing))
    if drift:
        pytest.fail("{0} no longer states what {1} states (numbers and inline code per section):\n{2}\nTo fix: translate "
                    "the English prose of those sections again.".format(chinese, english, "\n".join(drift)), pytrace=False)


@pytest.mark.parametrize("english, chinese", translated_pairs())
def test_chinese_inline_code_stays_on_one_line(english, chinese):
    """A code span broken over two lines puts a stray space into Chinese text, which has no spaces between words."""
    broken = [span for section in prose_sections((ROOT / chinese).read_text(encoding="utf-8"))
              for span in _CODE_SPAN.findall(section[1]) if "\n" in span]
    assert not broken, "{0}: inline code broken over lines: {1}".format(chinese, broken)


def test_stated_facts_are_code_spans_and_numbers_outside_links():
    prose = "Wait `wait_timeout`\nseconds (120 by default, see [x](../a1.md)); `patch\n  pods/x` too; 1,000 pods"
    assert stated_facts(prose) == {"wait_timeout", "patch pods/x", "120", "1,000"}
