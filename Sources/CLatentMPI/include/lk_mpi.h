#ifndef LK_MPI_H
#define LK_MPI_H

#include <stddef.h>

/// MPI loaded at run time with dlopen, so that Latent builds and runs without MPI and uses the
/// system's MPI when a run asks for it. Both ABI families are understood: Open MPI's (handles
/// are pointers to exported objects such as `ompi_mpi_comm_world`) and MPICH's (handles are
/// integer constants; also Intel MPI, MVAPICH, Cray MPICH). Only MPI_COMM_WORLD is used, and only
/// the thread that called lk_mpi_init may call the others (MPI_THREAD_FUNNELED).
/// Every function returns 0 on success, or a non-zero code with a message in lk_mpi_error().

/// Opens the MPI library: `path` if not NULL, else `$LATENT_MPI_LIBRARY`, else the usual sonames
/// (libmpi.so.40, libmpi.so.12, libmpich.so.12, libmpi.so, libmpi.dylib, …). Idempotent.
int lk_mpi_open(const char *path);
/// Initializes MPI (MPI_Init_thread, FUNNELED) unless already initialized, with errors returned
/// rather than fatal, and reports this process's rank and the world size.
int lk_mpi_init(int *rank, int *size);
/// Whether lk_mpi_init has succeeded and lk_mpi_finalize not yet run.
int lk_mpi_is_initialized(void);
/// The soname or path that was opened, and the library's version string (MPI_Get_library_version).
const char *lk_mpi_library(void);
const char *lk_mpi_version(void);
/// The last error's message ("" when none).
const char *lk_mpi_error(void);

/// In-place sums over all ranks (MPI_Allreduce with MPI_IN_PLACE, MPI_SUM).
int lk_mpi_allreduce_sum_f32(float *buffer, long count);
int lk_mpi_allreduce_sum_f64(double *buffer, long count);
/// In-place maxima over all ranks.
int lk_mpi_allreduce_max_f64(double *buffer, long count);
/// The reductions lk_mpi_iallreduce starts.
enum lk_mpi_reduction { LK_MPI_SUM_F32 = 0, LK_MPI_SUM_F64 = 1, LK_MPI_MAX_F64 = 2 };
/// Starts an in-place reduction (MPI_Iallreduce) of `count` elements (< 2^31) and returns its
/// request slot in *request (at most 256 outstanding).
int lk_mpi_iallreduce(void *buffer, long count, int reduction, int *request);
/// Starts a broadcast of `bytes` bytes (< 2^31) from `root` (MPI_Ibcast).
int lk_mpi_ibcast(void *buffer, long bytes, int root, int *request);
/// Tests a request: *done = 1 when finished (the slot is then free).
int lk_mpi_test(int request, int *done);
/// Waits for a request to finish (MPI_Wait; the slot is then free).
int lk_mpi_wait(int request);
/// Broadcasts `bytes` bytes from `root` to every rank.
int lk_mpi_bcast(void *buffer, long bytes, int root);
/// Waits until every rank has arrived.
int lk_mpi_barrier(void);
/// Shuts MPI down (MPI_Finalize).
int lk_mpi_finalize(void);
/// Ends every process of the job with `code` (MPI_Abort); does not return when MPI works.
void lk_mpi_abort(int code);

#endif
