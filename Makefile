# hoso build: one static library (libhoso.a) linked by the binary, the unit
# tests and the benchmarks. Sources are discovered by folder, so a new module
# only needs a folder under src/.
#
#   make            release build -> ./hoso
#   make dev        -Werror -g build -> build/dev/hoso
#   make asan       AddressSanitizer + UBSan build -> build/asan/hoso
#   make tsan       ThreadSanitizer build -> build/tsan/hoso
#   make test       every test (unit + black-box), dev and sanitizer builds
#   make demo       install deps, build, generate demo data, load it, serve it
#   make bench      benchmarks against plain SQLite / PostgreSQL (SCALE=seed)
#   make style      clang-format the tree and show the diff

CC ?= cc
# Debian packages (installed by `make deps`): sqlite3, utf8proc, jansson,
# libmicrohttpd, libsodium, libxlsxwriter (reports), libpq (PostgreSQL
# stores); cmocka for the unit tests.
PKGS := sqlite3 libutf8proc jansson libmicrohttpd libsodium xlsxwriter libpq
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || \
	echo -lsqlite3 -lutf8proc -ljansson -lmicrohttpd -lsodium \
	-lxlsxwriter -lz -lpq) -lm -lpthread
PKGCFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
        -Wno-unused-parameter
BASE := -std=c17 -D_GNU_SOURCE -Isrc $(PKGCFLAGS) $(WARN)

CFLAGS_release := $(BASE) -O2 -DNDEBUG
CFLAGS_dev := $(BASE) -O1 -g -Werror
CFLAGS_asan := $(BASE) -O1 -g -Werror -fsanitize=address,undefined \
               -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_asan := -fsanitize=address,undefined
# ThreadSanitizer: the server's workers read side by side (concurrency.py)
CFLAGS_tsan := $(BASE) -O1 -g -Werror -fsanitize=thread
LDFLAGS_tsan := -fsanitize=thread

SRC := $(filter-out src/cli/main.c,$(sort $(wildcard src/*/*.c)))
HDR := $(wildcard src/*/*.h)
UNIT_SRC := $(sort $(wildcard tests/unit/*/*.c))

.PHONY: all release dev asan tsan test unit blackbox demo deps bench style clean \
        serve FORCE fuzz fuzz-build soak

all: release

define variant
build/$(1)/obj/%.o: src/%.c $(HDR)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_$(1)) -c $$< -o $$@

build/$(1)/libhoso.a: $$(patsubst src/%.c,build/$(1)/obj/%.o,$$(SRC))
	@rm -f $$@
	ar rcs $$@ $$^

build/$(1)/hoso: build/$(1)/obj/cli/main.o build/$(1)/libhoso.a
	$$(CC) $$(CFLAGS_$(1)) $$^ -o $$@ $$(LDFLAGS_$(1)) $$(LIBS)

build/$(1)/unit/%: tests/unit/%.c build/$(1)/libhoso.a $(HDR)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_$(1)) -DUNITTEST $$< build/$(1)/libhoso.a -o $$@ \
		$$(LDFLAGS_$(1)) $$(LIBS) -lcmocka

$(1)-units: $$(patsubst tests/unit/%.c,build/$(1)/unit/%,$$(UNIT_SRC))
endef
$(eval $(call variant,release))
$(eval $(call variant,dev))
$(eval $(call variant,asan))
$(eval $(call variant,tsan))

release: build/release/hoso
	@cp build/release/hoso ./hoso

dev: build/dev/hoso dev-units
asan: build/asan/hoso asan-units
tsan: build/tsan/hoso

deps:
	@sh scripts/deps.sh

# Every test: unit tests and black-box tests, on the dev build and again under
# AddressSanitizer + UBSan. The closing line is "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory dev asan release build/tsan/hoso
	@sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory release
	@sh scripts/demo.sh

SCALE ?= seed
bench: release
	@sh bench/run.sh $(SCALE)

# libFuzzer targets (tests/fuzz/fuzz_*.c) built with clang against the
# library sources compiled again in build/fuzz/ (ASan + UBSan + coverage);
# `make fuzz` runs each for FUZZ_SECONDS over its corpus.
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=c17 -D_GNU_SOURCE -Isrc $(PKGCFLAGS) -O1 -g \
	-fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))

build/fuzz/obj/%.o: src/%.c $(HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/libhoso.a: $(patsubst src/%.c,build/fuzz/obj/%.o,$(SRC))
	@rm -f $@
	ar rcs $@ $^

build/fuzz/%: tests/fuzz/%.c tests/fuzz/*.h build/fuzz/libhoso.a $(HDR)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $< build/fuzz/libhoso.a \
		-o $@ $(LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

# Soak: mixed reads and writes at capacity on 127.0.0.1 for SOAK_SECONDS.
SOAK_SECONDS ?= 600
soak: release
	@python3 bench/soak.py ./hoso --seconds $(SOAK_SECONDS)

style:
	@clang-format -i $(SRC) src/cli/main.c $(HDR) $(UNIT_SRC)
	@git --no-pager diff --stat

clean:
	rm -rf build hoso
