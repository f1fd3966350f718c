# Kỳ họp số — `make run` sets everything up and serves the demo; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
export HOST PORT

.PHONY: setup run prod test lint bench vendor translations db check clean backup restore \
	system-serve system-test system-bench

# Debian packages (scripts/system-packages knows them all): installed when root or with sudo,
# otherwise named in one `apt-get install` line. make run needs only what serving needs.
system-serve:
	@scripts/system-packages --serve
system-test:
	@scripts/system-packages --test
system-bench:
	@scripts/system-packages --bench

setup: system-serve $(VENV)/.installed static/vendor/.installed translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# PDF.js, socket.io-client and Chart.js come from npm and are copied into a git-ignored folder.
# `npm install --no-save` from the lock file: `npm ci` trips over pdfjs-dist's optional
# native canvas packages (for Node only, which the browser build never needs).
static/vendor/.installed: package.json package-lock.json
	npm install --no-save --omit=optional --no-audit --no-fund --loglevel=error
	rm -rf static/vendor
	mkdir -p static/vendor/pdfjs static/vendor/socket.io
	cp node_modules/pdfjs-dist/build/pdf.min.mjs node_modules/pdfjs-dist/build/pdf.worker.min.mjs \
	   node_modules/pdfjs-dist/web/pdf_viewer.mjs node_modules/pdfjs-dist/web/pdf_viewer.css static/vendor/pdfjs/
	cp -r node_modules/pdfjs-dist/web/images node_modules/pdfjs-dist/wasm \
	   node_modules/pdfjs-dist/standard_fonts static/vendor/pdfjs/
	# QuickJS runs PDF JavaScript; the viewer never does, so it is not shipped at all.
	rm -f static/vendor/pdfjs/wasm/quickjs-eval.*
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js node_modules/socket.io-client/dist/socket.io.min.js static/vendor/socket.io/
	mkdir -p static/vendor/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chartjs/
	touch $@

vendor: static/vendor/.installed

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations

db: setup
	$(BIN)/flask --app paperless db upgrade

# Start-up checks (fonts, programs, migrations): one sentence per missing piece, no traceback.
check: db
	$(BIN)/flask --app paperless check

run: check
	$(BIN)/flask --app paperless demo --if-empty
	$(BIN)/flask --app paperless ca init
	$(BIN)/python -m paperless.serve

# Production: migrations, then PAPERLESS_PROCESSES gunicorn/gevent processes from
# PAPERLESS_BASE_PORT on, behind nginx (docs/deploy.md lists the settings).
prod: setup
	$(BIN)/flask --app paperless db upgrade
	$(BIN)/python -m paperless.prod

# Then the database-heavy tests once more on a throw-away PostgreSQL (tests/integration/
# always use PostgreSQL and Redis).
PG_TESTS ?= tests/test_foundation.py tests/test_votes.py tests/test_live.py tests/test_documents.py \
	tests/test_questioning.py tests/test_api.py tests/test_audit.py tests/test_resolutions.py \
	tests/test_resolutions_api.py tests/test_minutes.py tests/test_statistics.py \
	tests/test_ballot_forensics.py tests/test_backup.py tests/test_audit_anchors.py
# Both passes run even when the first fails; the last line counts the tests of both.
test: system-test setup
	$(BIN)/ruff check .
	@mkdir -p tests/artifacts && rm -f tests/artifacts/junit-*.xml
	@status=0; \
	$(BIN)/pytest --junitxml=tests/artifacts/junit-sqlite.xml || status=$$?; \
	$(BIN)/pytest --postgres -q --junitxml=tests/artifacts/junit-postgres.xml $(PG_TESTS) || status=$$?; \
	$(BIN)/python tests/summary.py tests/artifacts/junit-*.xml; \
	exit $$status

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# Every bench/bench_*.py, then bench/results.json + bench/RESULTS.md; BENCH_ARGS=--quick for
# a short pipeline check, BENCH_ARGS="--only live votes" for some of them.
bench: system-bench setup
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

# Backups (docs/deploy.md): `make backup BACKUP_DIR=/srv/backup BACKUP_ARGS="--copy-to /mnt/usb
# --keep-daily 14 --keep-monthly 24"`; `make restore BACKUP=/srv/backup/kyhop-…` onto an empty
# instance (RESTORE_ARGS=--force to overwrite one).
BACKUP_DIR ?= backups
backup: $(VENV)/.installed
	$(BIN)/flask --app paperless backup $(BACKUP_DIR) $(BACKUP_ARGS)

restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "make restore BACKUP=path/to/kyhop-…"; exit 2; }
	$(BIN)/flask --app paperless restore $(BACKUP) $(RESTORE_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .ruff_cache tests/artifacts
