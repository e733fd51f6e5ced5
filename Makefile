# ovl-conform: `make check` is the one test command (CI runs exactly this via .ci/run).
SWIFT      ?= swift
# The guest runs this same binary under emulation, where a release build runs its jobs about a
# third faster than a debug one; `swift test` still builds (and tests) the debug configuration.
BIN        := .build/release/ovl-conform
RESULTS    ?= results/check
CASES      ?= cases
# The kernel lines `make check` runs: Debian 6.12 and 6.1 in the guest (the newest of each that apt
# has in full), and the machine's own kernel (`run --host`).
KERNEL_612 ?= 6.12
KERNEL_61  ?= 6.1

.PHONY: all deps build test cases kernel vm-check vm-check-6.1 host-check check bench clean

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

# Fetch and cache the Debian 6.12 and 6.1 kernel images, headers and linux-source (~/.cache/ovl-conform).
kernel:
	bash scripts/fetch-kernel.sh $(KERNEL_612)
	bash scripts/fetch-kernel.sh $(KERNEL_61)

# One guest boot per line, the whole suite, JUnit + TAP into $(RESULTS)/<line>.
vm-check: build kernel
	mkdir -p $(RESULTS)/guest-6.12
	$(BIN) run $(CASES) --kernel $(KERNEL_612) --results $(RESULTS)/guest-6.12 --junit $(RESULTS)/guest-6.12/junit.xml --tap $(RESULTS)/guest-6.12/results.tap

vm-check-6.1: build kernel
	mkdir -p $(RESULTS)/guest-6.1
	$(BIN) run $(CASES) --kernel $(KERNEL_61) --results $(RESULTS)/guest-6.1 --junit $(RESULTS)/guest-6.1/junit.xml --tap $(RESULTS)/guest-6.1/results.tap

# The suite on the machine's own kernel (a printed skip where it cannot: no root, loop devices, overlay).
host-check: build
	bash scripts/host-check.sh $(BIN) $(RESULTS)/host "$(CASES)"

# Every line runs even when an earlier one fails; the check fails if any did.
check: deps build test cases
	@rc=0; for t in vm-check vm-check-6.1 host-check; do $(MAKE) --no-print-directory $$t || rc=1; done; exit $$rc

bench: deps build kernel
	bash scripts/bench.sh

clean:
	rm -rf .build results
