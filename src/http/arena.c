/* arena: a per-request bump allocator, freed in one go at request end. */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

#include "core/banned.h"

struct http_arena_block {
	struct http_arena_block *next;
	size_t used, size;
	max_align_t data[];
};

void *http_arena_alloc(struct http_arena *a, size_t n)
{
	struct http_arena_block *b = a->head;
	size_t need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	void *p;

	if (!need)
		need = sizeof(max_align_t);
	if (!b || b->size - b->used < need) {
		size_t size = need > HTTP_ARENA_BLOCK ? need : HTTP_ARENA_BLOCK;
		b = xmalloc(sizeof(*b) + size);
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return p;
}

char *http_arena_strndup(struct http_arena *a, const char *s, size_t n)
{
	char *p = http_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void http_arena_release(struct http_arena *a)
{
	while (a->head) {
		struct http_arena_block *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}
