/* sluice.h - the whole libsluice API: channels, pool, tasks, pipelines, metrics, processes. */
#ifndef SLUICE_SLUICE_H
#define SLUICE_SLUICE_H

#include "chan.h"
#include "metrics.h"
#include "pipeline.h"
#include "pool.h"
#include "proc.h"
#include "task.h"

#define SLUICE_VERSION "0.1.0"

#endif
