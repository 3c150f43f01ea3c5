# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint check-config bench bench-desk clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m bot run

test: $(STAMP)
	@command -v chromedriver >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 || \
		echo "== 浏览器测试跳过：未安装 chromium / chromium-driver（apt-get install chromium chromium-driver）=="
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check-config: $(STAMP)
	$(PY) -m bot check-config

bench: $(STAMP)
	$(PY) bench/nlp.py
	$(PY) bench/pipeline.py
	$(PY) bench/channels.py

# wrk for bench/intake.py (Debian/Ubuntu package; needs root or sudo). Not part of `make test`.
bench-deps:
	command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk

# The service figures (README "性能"): each command starts its own service on loopback and stops.
bench-service: $(STAMP) bench-deps
	$(PY) bench/intake.py
	$(PY) bench/push_latency.py
	$(PY) bench/overload.py
	$(PY) bench/worker_rate.py
	$(PY) bench/district_day.py

# Needs a PostgreSQL database of its own (emptied and refilled): see README, 性能 / Benchmarks.
bench-desk: $(STAMP)
	$(PY) bench/desk.py

clean:
	rm -rf $(VENV) var
