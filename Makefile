# Habiter — the two commands: `make run` (set up and serve the demo) and `make test`.
PORT ?= 8000
HOST ?= 127.0.0.1
TEST_WORKERS ?= auto
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
unexport PYTHONDONTWRITEBYTECODE
UV = $(shell if uv --version >/dev/null 2>&1; then echo uv; else echo python3 -m uv; fi)
PY = .venv/bin/python
MANAGE = $(PY) manage.py

.PHONY: run install uv migrate demo serve worker test lint format pytest bench clean messages

run: install migrate demo serve

uv:
	@uv --version >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
	  python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv || \
	  python3 -m pip install --quiet --break-system-packages uv

install: uv
	@sh scripts/check-system run
	@$(UV) sync --frozen --python "$$(scripts/find-python)" --quiet

migrate: install
	@$(MANAGE) migrate --noinput -v0

demo: migrate
	@$(MANAGE) seed_demo

serve:
	@echo "Habiter : http://$(HOST):$(PORT)  (Ctrl+C pour arrêter)"
	@$(MANAGE) runserver --noreload "$(HOST):$(PORT)"

lint: install
	@$(PY) -m ruff format --check .
	@$(PY) -m ruff check .
	@$(PY) -m djlint habiter --lint --quiet

format: install
	@$(PY) -m ruff format .
	@$(PY) -m ruff check --fix .
	@$(PY) -m djlint habiter --reformat --quiet || true

test: lint
	@sh scripts/check-system test
	@env -u DATABASE_URL DJANGO_SETTINGS_MODULE=habiter.settings.test $(MANAGE) makemigrations --check --dry-run -v1
	@$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses=4 $(PYTEST_ARGS)

bench: install
	@bash scripts/bench.sh

# The French catalog (locale/fr): run after adding or changing a text; the compiled catalog is committed.
messages: install
	@bash scripts/messages.sh

clean:
	rm -rf .venv staticfiles habiter.sqlite3 test-results

# The background worker of production: runs the queued tasks (month-end rent calls, notices, reminders). The web
# processes must enqueue to the same backend: HABITER_TASKS_BACKEND=django_tasks_db.DatabaseBackend for both.
worker: migrate
	@HABITER_TASKS_BACKEND="$${HABITER_TASKS_BACKEND:-django_tasks_db.DatabaseBackend}" $(MANAGE) worker
