/*
 * progress.h - a one-line progress bar on stderr, for terminals only.
 *
 * Shows bytes done, MB/s, percent and ETA when the total is known.  It
 * draws nothing unless enabled (by default: when stderr is a terminal),
 * so tools can feed it unconditionally.  Its update function has the
 * shape of sl_progress_fn, so it can be handed straight to
 * sl_metrics_on_progress (which already limits the call rate).
 */
#ifndef SLUICE_TOOLS_PROGRESS_H
#define SLUICE_TOOLS_PROGRESS_H

#include <stdint.h>

typedef struct sl_progress_bar sl_progress_bar;

/* enabled: 1 always, 0 never, -1 when stderr is a terminal.
 * total_bytes 0: unknown (no percentage or ETA). */
sl_progress_bar *sl_progress_bar_new(const char *label, uint64_t total_bytes, int enabled);
/* Redraws: items done, items total (0: unknown), bytes done. */
void sl_progress_bar_update(void *bar, uint64_t done, uint64_t total, uint64_t bytes);
void sl_progress_bar_set_total_bytes(sl_progress_bar *b, uint64_t total_bytes);
/* A short note shown after the rate (a coordinator's "workers 63%"); "" for none. */
void sl_progress_bar_set_note(sl_progress_bar *b, const char *note);
/* Clears the line; frees the bar. */
void sl_progress_bar_finish(sl_progress_bar *b);

#endif
