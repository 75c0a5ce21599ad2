#!/usr/bin/env bash
# Screenshots of the docs site for docs/images (issue 22): the index and one Chinese guide, as headless chromium
# renders the pages `make docs` built. Needs chromium and a CJK font (tests/cluster/install-deps.sh installs both).
# Usage: make docs && hack/docs-screenshots.sh
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

html="${REPO_ROOT}/docs-site/src/build/html"
[[ -f "${html}/index.html" ]] || die "no docs site in ${html}: run make docs first"
command -v chromium >/dev/null || die "chromium is missing: tests/cluster/install-deps.sh installs it"
fc-list :lang=zh | grep -q . || die "no font covers Chinese (the page would show boxes): install fonts-noto-cjk"

shot() {  # page, output, height
  local out="${REPO_ROOT}/docs/images/$2"
  run chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size="1200,$3" --screenshot="${out}" "file://${html}/$1" 2>/dev/null
  [[ "$(head -c 8 "${out}" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]] || die "${out} is not a PNG"
  log "${out} ($(du -h "${out}" | cut -f1))"
}
shot index.html docs-site-index.png 900
shot docsite/zh-CN/ephemeral-containers.html docs-site-zh-cn-guide.png 1100
