/*
 * ring_test.c - the shared-memory ring on its own, in one process: every
 * message size arrives intact, a producer and a consumer thread agree
 * (run under TSan), the arena reuses its pages, and a reader or writer
 * that finds impossible values in shared memory says so instead of
 * reading outside the mapping (run under ASan).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "shm.h"
#include "shmring.h"
#include "sluice/chan.h"

typedef struct pair {
    sl__ring_geom g;
    int fd;
    size_t bytes;
    char *map;
    _Atomic uint64_t head, tail;
    sl__ring w, r;
} pair;

static void pair_open(pair *p, uint32_t nslots, uint64_t slot, uint64_t arena)
{
    memset(p, 0, sizeof *p);
    p->g = (sl__ring_geom){nslots, slot, arena};
    p->bytes = sl__ring_bytes(&p->g);
    p->fd = sl__shm_create("sluice-ring-test", p->bytes);
    CHECK(p->fd >= 0);
    p->map = sl__shm_map(p->fd, p->bytes, 1);
    CHECK(p->map != NULL);
    CHECK_EQ(sl__ring_init(&p->w, &p->g, p->map, &p->head, &p->tail, 1), SL_OK);
    CHECK_EQ(sl__ring_init(&p->r, &p->g, p->map, &p->head, &p->tail, 0), SL_OK);
}

static void pair_close(pair *p)
{
    sl__ring_destroy(&p->w);
    sl__ring_destroy(&p->r);
    sl__shm_unmap(p->map, p->bytes);
    close(p->fd);
}

/* Byte i of message seq: a pattern the reader can check anywhere. */
static unsigned char pattern(uint64_t seq, uint64_t i)
{
    return (unsigned char)(seq * 131 + i * 7 + (i >> 8));
}

static int send_msg(sl__ring *w, uint64_t seq, uint64_t len)
{
    void *dst;
    int rc = sl__ring_reserve(w, len, &dst);
    if (rc != SL_OK)
        return rc;
    for (uint64_t i = 0; i < len; i++)
        ((unsigned char *)dst)[i] = pattern(seq, i);
    sl__ring_publish(w, seq, (int64_t)len);
    return SL_OK;
}

static void check_msg(const sl__ring_msg *m, uint64_t seq, uint64_t len)
{
    CHECK_EQ(m->len, len);
    CHECK_EQ(m->ref, seq);
    CHECK_EQ(m->code, (int64_t)len);
    const unsigned char *d = m->data;
    for (uint64_t i = 0; i < len; i++)
        if (d[i] != pattern(seq, i))
            CHECK(!"payload byte differs");
}

SL_TEST(ring_messages_of_every_size_arrive_intact)
{
    pair p;
    pair_open(&p, 4, 256, 1 << 20);
    const uint64_t sizes[] = {0, 1, 255, 256, 257, 4096, 100000, 1 << 20};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        CHECK_EQ(send_msg(&p.w, k, sizes[k]), SL_OK);
        sl__ring_msg m;
        CHECK_EQ(sl__ring_peek(&p.r, &m), SL_OK);
        check_msg(&m, k, sizes[k]);
        CHECK_EQ(m.arena_off == SL__RING_INLINE, sizes[k] <= 256);
        sl__ring_release(&p.r, &m);
        CHECK_EQ(sl__ring_peek(&p.r, &m), SL_WOULDBLOCK);
    }
    void *dst;
    CHECK_EQ(sl__ring_reserve(&p.w, (1 << 20) + 1, &dst), SL_INVAL);
    pair_close(&p);
}

SL_TEST(ring_full_of_slots_or_arena_would_block_until_released)
{
    pair p;
    pair_open(&p, 3, 64, 8192);
    for (uint64_t s = 0; s < 3; s++)
        CHECK_EQ(send_msg(&p.w, s, 10), SL_OK);
    CHECK_EQ(send_msg(&p.w, 3, 10), SL_WOULDBLOCK);
    sl__ring_msg m;
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL_OK);
    sl__ring_release(&p.r, &m);
    CHECK_EQ(send_msg(&p.w, 3, 5000), SL_OK); /* the arena holds one of these */
    for (uint64_t s = 1; s < 3; s++) {
        CHECK_EQ(sl__ring_peek(&p.r, &m), SL_OK);
        check_msg(&m, s, 10);
        sl__ring_release(&p.r, &m);
    }
    CHECK_EQ(send_msg(&p.w, 4, 5000), SL_WOULDBLOCK); /* slot free, arena not */
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL_OK);
    check_msg(&m, 3, 5000);
    sl__ring_release(&p.r, &m);
    CHECK_EQ(send_msg(&p.w, 4, 5000), SL_OK);
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL_OK);
    check_msg(&m, 4, 5000);
    sl__ring_release(&p.r, &m);
    pair_close(&p);
}

/* Several large messages in flight at once make the arena wrap with live
 * data on both sides of the wrap point; none may overlap another. */
SL_TEST(ring_arena_wraps_without_overlap)
{
    pair p;
    pair_open(&p, 8, 64, 64 * 1024);
    uint64_t sent = 0, got = 0;
    uint64_t lens[64];
    for (int round = 0; round < 2000; round++) {
        uint64_t len = 65 + sl_test_rand() % 30000;
        while (send_msg(&p.w, sent, len) == SL_WOULDBLOCK) {
            sl__ring_msg m;
            CHECK_EQ(sl__ring_peek(&p.r, &m), SL_OK);
            check_msg(&m, got, lens[got % 64]);
            sl__ring_release(&p.r, &m);
            got++;
        }
        lens[sent % 64] = len;
        sent++;
    }
    sl__ring_msg m;
    while (sl__ring_peek(&p.r, &m) == SL_OK) {
        check_msg(&m, got, lens[got % 64]);
        sl__ring_release(&p.r, &m);
        got++;
    }
    CHECK_EQ(got, sent);
    pair_close(&p);
}

typedef struct spsc {
    pair *p;
    uint64_t count, max_len;
} spsc;

static void *producer(void *arg)
{
    spsc *s = arg;
    uint64_t x = 88172645463325252ull;
    for (uint64_t seq = 0; seq < s->count; seq++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t len = x % s->max_len;
        while (send_msg(&s->p->w, seq, len) == SL_WOULDBLOCK)
            sched_yield();
    }
    return NULL;
}

SL_TEST(ring_producer_and_consumer_threads_agree_on_every_message)
{
    pair p;
    pair_open(&p, 16, 512, 256 * 1024);
    spsc s = {&p, SL_TEST_SCALE(200000), 3000};
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, producer, &s), 0);
    uint64_t x = 88172645463325252ull;
    for (uint64_t seq = 0; seq < s.count; seq++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        sl__ring_msg m;
        int rc;
        while ((rc = sl__ring_peek(&p.r, &m)) == SL_WOULDBLOCK)
            sched_yield();
        CHECK_EQ(rc, SL_OK);
        check_msg(&m, seq, x % s.max_len);
        sl__ring_release(&p.r, &m);
    }
    pthread_join(t, NULL);
    pair_close(&p);
}

/* Pages touched by a message past `keep` go back to the system once it
 * is released; pages below it stay, for the next message to reuse. */
SL_TEST(ring_gives_back_arena_pages_past_keep)
{
    pair p;
    size_t page = sl__shm_page();
    pair_open(&p, 4, 64, 64 * page);
    sl__ring_set_release(&p.r, p.fd, sl__ring_arena_offset(&p.g), 8 * page);
    CHECK_EQ(send_msg(&p.w, 0, 40 * page), SL_OK);
    unsigned char vec[64];
    char *arena = p.map + sl__ring_arena_offset(&p.g);
    CHECK_EQ(mincore(arena, 64 * page, vec), 0);
    CHECK(vec[20] & 1);
    sl__ring_msg m;
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL_OK);
    sl__ring_release(&p.r, &m);
    CHECK_EQ(mincore(arena, 64 * page, vec), 0);
    CHECK(vec[0] & 1);      /* below keep: kept */
    CHECK(!(vec[20] & 1));  /* past keep: given back */
    CHECK(!(vec[39] & 1));
    pair_close(&p);
}

/* A stream of messages that each fit below `keep` keeps using the same
 * pages, though the arena is far larger. */
SL_TEST(ring_large_stream_stays_below_keep)
{
    pair p;
    size_t page = sl__shm_page();
    pair_open(&p, 4, 64, 1024 * page);
    sl__ring_set_release(&p.w, -1, 0, 16 * page);
    for (uint64_t s = 0; s < 200; s++) {
        CHECK_EQ(send_msg(&p.w, s, 3 * page), SL_OK);
        if (s >= 2) { /* two stay in flight, so the arena is never empty */
            sl__ring_msg m;
            CHECK_EQ(sl__ring_peek(&p.r, &m), SL_OK);
            CHECK(m.arena_off + m.len <= 16 * page);
            sl__ring_release(&p.r, &m);
        }
    }
    pair_close(&p);
}

static void write_garbage_slot(pair *p, uint64_t seq, uint64_t len, uint64_t off)
{
    sl__ring_slot *s = (sl__ring_slot *)p->map; /* slot 0 */
    atomic_store(&s->seq, seq);
    atomic_store(&s->len, len);
    atomic_store(&s->off, off);
}

SL_TEST(ring_reader_rejects_impossible_headers)
{
    pair p;
    pair_open(&p, 4, 128, 4096);
    sl__ring_msg m;
    atomic_store(&p.head, 1);
    write_garbage_slot(&p, 7, 10, SL__RING_INLINE); /* wrong sequence number */
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL__RING_CORRUPT);
    write_garbage_slot(&p, 0, 129, SL__RING_INLINE); /* longer than a slot */
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL__RING_CORRUPT);
    write_garbage_slot(&p, 0, 10, 4096); /* off at the arena's end */
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL__RING_CORRUPT);
    write_garbage_slot(&p, 0, UINT64_MAX - 5, 10); /* off + len overflows */
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL__RING_CORRUPT);
    write_garbage_slot(&p, 0, 4087, 10); /* one past the end */
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL__RING_CORRUPT);
    write_garbage_slot(&p, 0, 4086, 10); /* exactly to the end: fine */
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL_OK);
    atomic_store(&p.head, 5); /* more published than there are slots */
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL__RING_CORRUPT);
    atomic_store(&p.head, UINT64_MAX); /* head behind the tail */
    CHECK_EQ(sl__ring_peek(&p.r, &m), SL__RING_CORRUPT);
    pair_close(&p);
}

SL_TEST(ring_writer_rejects_impossible_tail)
{
    pair p;
    pair_open(&p, 2, 64, 0);
    CHECK_EQ(send_msg(&p.w, 0, 8), SL_OK);
    CHECK_EQ(send_msg(&p.w, 1, 8), SL_OK);
    atomic_store(&p.tail, 3); /* released more than was published */
    CHECK_EQ(send_msg(&p.w, 2, 8), SL__RING_CORRUPT);
    atomic_store(&p.tail, 1);
    CHECK_EQ(send_msg(&p.w, 2, 8), SL_OK);
    atomic_store(&p.tail, 0); /* the tail went backwards */
    CHECK_EQ(send_msg(&p.w, 3, 8), SL__RING_CORRUPT);
    pair_close(&p);
}

/* Random bytes over the whole shared range, again and again: the reader
 * either finds a message inside the mapping or reports corruption. */
SL_TEST(ring_reader_survives_random_scribbles)
{
    pair p;
    pair_open(&p, 8, 256, 8192);
    size_t n = SL_TEST_SCALE(20000);
    for (size_t k = 0; k < n; k++) {
        uint64_t *words = (uint64_t *)p.map;
        size_t nwords = sl__ring_arena_offset(&p.g) / 8;
        for (int j = 0; j < 16; j++)
            words[sl_test_rand() % nwords] = sl_test_rand() % 4 ? sl_test_rand() % 9000 : sl_test_rand();
        atomic_store(&p.head, p.r.pos + sl_test_rand() % 12);
        sl__ring_msg m;
        int rc = sl__ring_peek(&p.r, &m);
        CHECK(rc == SL_OK || rc == SL_WOULDBLOCK || rc == SL__RING_CORRUPT);
        if (rc == SL_OK) {
            unsigned sum = 0;
            for (uint64_t i = 0; i < m.len; i++) /* ASan: every byte inside the mapping */
                sum += ((const unsigned char *)m.data)[i];
            CHECK(sum <= 255 * m.len);
            CHECK((const char *)m.data >= p.map && (const char *)m.data + m.len <= p.map + p.bytes);
            sl__ring_release(&p.r, &m);
        }
    }
    pair_close(&p);
}
