# Guanjia: `make demo` to try it, `make test` to check it. Needs Python 3.11, Node.js and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV := UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv
VENDOR := guanjia/static/vendor
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: install assets demo test test-postgres lint bench serve clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==0.13.9

$(VENV)/.installed: $(BIN)/uv pyproject.toml uv.lock
	$(UV) sync --frozen --inexact --quiet
	touch $@

install: $(VENV)/.installed assets

# Third-party CSS/JS/fonts come from the npm registry (pinned in package-lock.json) and are
# copied into a git-ignored static folder: served locally, never from a CDN, never committed.
$(VENDOR)/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons $(VENDOR)/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   $(VENDOR)/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts $(VENDOR)/bootstrap-icons/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@

# Redoc (the API docs at /api/redoc/) from drf-spectacular-sidecar, a Python dependency, with the one address
# it would load from the internet, its "API docs by Redocly" logo, made an empty picture: the Content-Security-
# Policy refuses that address, and the browser reports every refusal as an error. Fails if the address stays.
REDOC := $(VENDOR)/redoc/redoc.standalone.js
REDOC_LOGO := https://cdn.redoc.ly/redoc/logo-mini.svg
EMPTY_SVG := data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27/%3E
$(REDOC): $(VENV)/.installed $(VENDOR)/.stamp
	mkdir -p $(@D)
	src="$$($(BIN)/python -c 'import drf_spectacular_sidecar as s, os; print(os.path.dirname(s.__file__))')/static/drf_spectacular_sidecar/redoc/bundles" && \
	cp "$$src/redoc.standalone.js.map" "$$src/redoc.standalone.js.LICENSE.txt" $(@D)/ && \
	sed 's#$(REDOC_LOGO)#$(EMPTY_SVG)#' "$$src/redoc.standalone.js" > $@.tmp
	! grep -q 'cdn\.redoc\.ly' $@.tmp
	mv $@.tmp $@

assets: $(VENDOR)/.stamp $(REDOC)

demo: install
	$(BIN)/guanjia demo --port $(PORT)

# The configured database served as `make demo` serves it (gunicorn, a fixed pool of threads), without
# loading the demo zone or starting the job consumer.
serve: install
	$(BIN)/gunicorn --config python:guanjia.settings.gunicorn_conf --bind 127.0.0.1:$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The same suite against PostgreSQL (CI does this after `make test`).
test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/guanjia_ci} $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/guanjia makemigrations --check --dry-run

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
