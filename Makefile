# >>> checks tooling (hack/*.sh; owner: build/tooling) >>>
# Each target is one script; each script sets up .venv itself (hack/venv.sh) and works offline
# apart from PyPI.
.PHONY: venv sanity lint docs build unit checks

venv:
	hack/venv.sh

sanity:
	hack/sanity.sh

lint:
	hack/lint.sh

docs:
	hack/docs.sh

build:
	hack/build.sh

unit:
	hack/unit.sh

# Everything except the docs site.
checks: sanity lint build unit
# <<< checks tooling <<<
