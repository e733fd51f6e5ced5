# ovl-conform: `make check` is the one test command (CI runs exactly this via .ci/run).
SWIFT      ?= swift
# The guest runs this same binary under emulation, where a release build runs its jobs about a
# third faster than a debug one; `swift test` still builds (and tests) the debug configuration.
BIN        := .build/release/ovl-conform
RESULTS    ?= results/check
CASES      ?= cases

.PHONY: all deps build test cases kernel vm-check check bench clean

all: build

deps:
	bash scripts/deps.sh

build:
	$(SWIFT) build -c release

# Host-only unit tests (model, case parser, reporters): seconds.
test:
	$(SWIFT) test

# Parse every case and run the model on it, no VM.
cases: build
	$(BIN) validate $(CASES)

# Fetch and cache the Debian kernel image, headers and linux-source (~/.cache/ovl-conform); KERNEL=6.1.N for 6.1.
KERNEL     ?=
kernel:
	bash scripts/fetch-kernel.sh $(KERNEL)

# One guest boot, the whole suite, JUnit + TAP into $(RESULTS).
vm-check: build kernel
	mkdir -p $(RESULTS)
	$(BIN) run $(CASES) $(if $(KERNEL),--kernel $(KERNEL)) --results $(RESULTS) --junit $(RESULTS)/junit.xml --tap $(RESULTS)/results.tap

check: deps build test cases vm-check

bench: deps build kernel
	bash scripts/bench.sh

clean:
	rm -rf .build results
