/* workers.h - the worker functions of the process-pool tests (workers.c). */
#ifndef SLUICE_TESTS_PROC_WORKERS_H
#define SLUICE_TESTS_PROC_WORKERS_H

#include "sluice/proc.h"

extern const sl_proc_worker test_echo, test_fault, test_noinit, test_gated;

#endif
