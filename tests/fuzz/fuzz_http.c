/* fuzz_http: libFuzzer target for the whole HTTP request path: raw bytes to
 * an in-process `hoso serve` (libmicrohttpd parsing, the route matcher, the
 * query parser, the gatekeeper, every handler). "$TOKEN" in the input
 * becomes the admin's API token so that the fuzzer reaches past login. No
 * reply may be a 500, and the server must always answer. */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_start();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char mark[] = "$TOKEN";
	size_t ml = sizeof(mark) - 1, tl = strlen(fz.token), n = 0;
	char *req = malloc(size * (tl / ml + 1) + 1);

	for (size_t i = 0; i < size;) {
		if (size - i >= ml && !memcmp(data + i, mark, ml)) {
			memcpy(req + n, fz.token, tl);
			n += tl;
			i += ml;
		} else {
			req[n++] = (char)data[i++];
		}
	}
	fz_exchange(req, n);
	free(req);
	return 0;
}
