/*
 * jobs.c - `sluice worker`: the one place that knows which tools have
 * jobs a worker can run.  Each tool exposes its kind (its per-file
 * function behind the sl_cluster_kind shape); tools never include each
 * other, so the table is assembled here, with the command.
 */
#include <stddef.h>

#include "cluster.h"

#ifdef SLUICE_TOOL_GRAPH
extern const sl_cluster_kind sl_graph_job_kind;
#endif
#ifdef SLUICE_TOOL_MD
extern const sl_cluster_kind sl_md_job_kind;
#endif

static const sl_cluster_kind *const kinds[] = {
#ifdef SLUICE_TOOL_GRAPH
    &sl_graph_job_kind,
#endif
#ifdef SLUICE_TOOL_MD
    &sl_md_job_kind,
#endif
    NULL,
};

int sl_worker_cmd(int argc, char **argv);

int sl_worker_cmd(int argc, char **argv)
{
    return sl_cluster_worker_main(argc, argv, kinds, sizeof kinds / sizeof kinds[0] - 1);
}
